"""The analyst's project: which inputs, how to read them, and what to report — and reading them.

A project is a ``kvanalytics.yaml`` file (:func:`load_project`) or the report's command-line
options (:func:`project_from_options`). :func:`read_inputs` reads its files into the canonical
tables, reusing the ingest of an unchanged input from the cache folder (``data/processed/`` beside
the project file), keyed by the sha256 of each file, the mapping and defaults, and the package
version, so a changed file, mapping or version is never served from an old entry.

Every path a project holds or writes out is relative to the project folder (the folder of the
project file, or the working directory for options), so that a manifest or a workbook carries no
absolute path of the machine it ran on.

Example project file (the bundled sample, ``kvanalytics.yaml`` at the repository root)::

    institution: Voorbeeld Universiteit (synthetic sample)
    language: en
    inputs:
      partnerships:
        - file: data/raw/sample_partnerships.csv
      headcounts:
        - file: data/raw/sample_headcounts.xlsx
    risk_profiles: [freedom-house, eu-restrictive-measures]
    scenarios: [nl-2022-freeze, be-2022-rur-signatories, no-2023-risk-based]
    suppression_threshold: 5
"""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import json
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from importlib import metadata
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from . import config
from .errors import IngestError, InputFileError, OptionError, UnknownNameError
from .ingest import Ingested, parse_defaults, read_headcounts, read_horizon, read_partnerships
from .reference import load_risk_profile
from .scenarios import load_scenario

__all__ = [
    "DEFAULT_SCENARIOS",
    "PROJECT_KEYS",
    "InputSpec",
    "Inputs",
    "Project",
    "file_sha256",
    "load_project",
    "project_from_options",
    "read_inputs",
    "split_names",
    "version",
]


def split_names(text: str) -> tuple[str, ...]:
    """Comma-separated names (``--risk-profile freedom-house,eu-restrictive-measures``).

    Examples
    --------
    >>> split_names("freedom-house, eu-restrictive-measures")
    ('freedom-house', 'eu-restrictive-measures')
    """
    return tuple(n.strip() for n in str(text).split(",") if n.strip())


#: The bundled freeze scenarios a report compares when the project names none.
DEFAULT_SCENARIOS = ("nl-2022-freeze", "be-2022-rur-signatories", "no-2023-risk-based")
#: Keys of a project file, with what each holds (the error for an unknown key lists them).
PROJECT_KEYS = {
    "institution": "the institution's name, shown on the report",
    "language": "en or nl",
    "quarter": "the quarter reported, e.g. 2026Q3 (default: the latest complete one)",
    "inputs": "partnerships / horizon / headcounts: lists of {file, columns, defaults, ...}",
    "risk_profiles": "bundled risk profile names or CSV paths, combined by the highest tier",
    "scenarios": "bundled scenario names or YAML paths, compared side by side",
    "suppression_threshold": "published headcounts below it are suppressed (default 5)",
    "output": "the report folder (default reports/<quarter>)",
    "cache": "the folder of reusable ingests (default data/processed)",
}
#: Keys of one input entry, per table.
INPUT_KEYS = {
    "partnerships": {"file", "files", "columns", "defaults", "sheet", "ties"},
    "horizon": {"file", "files", "home", "sheet", "faculty"},
    "headcounts": {"file", "files", "columns", "defaults", "sheet", "basis"},
}
_QUARTER = re.compile(r"(\d{4})[Qq]([1-4])")
_CACHE_FORMAT = 2  # bump when what a cache entry holds changes


def file_sha256(path: str | Path) -> str:
    """SHA-256 of a file's bytes, hex-encoded.

    Examples
    --------
    >>> import tempfile
    >>> p = Path(tempfile.mkdtemp()) / "x.txt"; _ = p.write_bytes(b"abc")
    >>> file_sha256(p)[:12]
    'ba7816bf8f01'
    """
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


@dataclass(frozen=True)
class InputSpec:
    """One input of a project: files of one table and how to read them.

    ``paths`` are absolute (resolved against the project folder); ``table`` is
    ``"partnerships"``, ``"horizon"`` (read into partnerships) or ``"headcounts"``.
    """

    table: str
    paths: tuple[Path, ...]
    columns: Mapping[str, str] | None = None
    defaults: Mapping[str, str] = field(default_factory=dict)
    sheet: str | None = None
    ties: bool = False
    home: str | tuple[str, ...] | None = None  # a PIC or name, or several (its other names)
    faculty: str = "Central"
    basis: str | None = None

    def options(self) -> dict[str, Any]:
        """The reading options as plain JSON-able data (part of the cache key)."""
        return {
            "table": self.table,
            "columns": dict(self.columns or {}),
            "defaults": dict(self.defaults),
            "sheet": self.sheet,
            "ties": self.ties,
            "home": self.home,
            "faculty": self.faculty,
            "basis": self.basis,
        }


@dataclass(frozen=True)
class Project:
    """What to read and what to report. Built by :func:`load_project` or
    :func:`project_from_options`; paths are absolute, :meth:`relative` shows them as written.

    Examples
    --------
    >>> p = project_from_options(data_dir="data/raw")  # doctest: +SKIP
    >>> p.relative(p.inputs[0].paths[0])  # doctest: +SKIP
    'data/raw/sample_partnerships.csv'
    """

    root: Path
    inputs: tuple[InputSpec, ...]
    institution: str | None = None
    lang: str = "en"
    quarter: str | None = None
    risk_profiles: tuple[str, ...] = ("freedom-house",)
    scenarios: tuple[str, ...] = DEFAULT_SCENARIOS
    suppression_threshold: int = config.SUPPRESSION_THRESHOLD
    output: Path | None = None
    cache: Path | None = None
    source: Path | None = None

    @property
    def risk_profile(self) -> str:
        """The report's risk profile (the first named)."""
        return self.risk_profiles[0]

    @property
    def cache_dir(self) -> Path:
        """Where reusable ingests live: ``cache``, else ``data/processed`` in the project folder."""
        return self.cache or self.root / "data" / "processed"

    def relative(self, path: str | Path) -> str:
        """``path`` relative to the project folder (POSIX), or its name when outside it."""
        p = Path(path)
        try:
            return p.resolve().relative_to(self.root).as_posix()
        except ValueError:
            return _relpath(p.resolve(), self.root)

    def parameters(self) -> dict[str, Any]:
        """The project as JSON-able data with relative paths (for the manifest)."""
        return {
            "project_file": self.relative(self.source) if self.source else None,
            "institution": self.institution,
            "lang": self.lang,
            "quarter": self.quarter,
            "risk_profiles": [self._named(r) for r in self.risk_profiles],
            "scenarios": [self._named(s) for s in self.scenarios],
            "suppression_threshold": self.suppression_threshold,
            "inputs": [
                {**s.options(), "files": [self.relative(p) for p in s.paths]} for s in self.inputs
            ],
        }

    def _named(self, name: str) -> str:
        return self.relative(name) if Path(name).is_absolute() else name


@dataclass(frozen=True)
class Inputs:
    """The project's inputs, read.

    Attributes
    ----------
    partnerships : DataFrame
        Every partnerships and Horizon input as one canonical table.
    headcounts : DataFrame or None
        The headcounts, or None when the project has none.
    files : DataFrame
        One row per file read: ``table, path`` (relative to the project folder), ``sha256,
        bytes, rows_read, rows_accepted, rows_rejected, reused`` (True when the ingest came
        from the cache). For an export, read = accepted + rejected; for a Horizon table the
        rows of the home organisation itself are read but are no tie, so read is more.
    rejects : DataFrame
        Every rejected row with its ``table, source_file, source_row, column, value, reason``.
    notes : tuple of str
        What a reader should know (no headcounts, rejected rows), in English.
    """

    partnerships: pd.DataFrame
    headcounts: pd.DataFrame | None
    files: pd.DataFrame
    rejects: pd.DataFrame
    notes: tuple[str, ...] = ()


# ------------------------------------------------------------------------------------------------
# Building a project
# ------------------------------------------------------------------------------------------------


def load_project(path: str | Path) -> Project:
    """Read a ``kvanalytics.yaml`` project file; paths in it are relative to its folder.

    Parameters
    ----------
    path : path
        The project file.

    Returns
    -------
    Project

    Raises
    ------
    InputFileError
        The file, or an input it names, does not exist.
    OptionError
        An unknown key or a bad value; the message names the key and the fix.

    Examples
    --------
    >>> project = load_project("kvanalytics.yaml")  # doctest: +SKIP
    >>> project.institution  # doctest: +SKIP
    'Voorbeeld Universiteit (synthetic sample)'
    """
    src = Path(path)
    if not src.is_file():
        raise InputFileError(
            f"project file {src}: no such file; give the path of kvanalytics.yaml."
        )
    try:
        doc = yaml.safe_load(src.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError, ValueError) as exc:
        raise OptionError(f"project file {src}: not valid YAML ({exc}).") from None
    if not isinstance(doc, dict):
        raise OptionError(
            f"project file {src}: expected a mapping of keys ({', '.join(PROJECT_KEYS)})."
        )
    unknown = [str(k) for k in doc if k not in PROJECT_KEYS]
    if unknown:
        allowed = "; ".join(f"{k}: {v}" for k, v in PROJECT_KEYS.items())
        raise OptionError(
            f"project file {src}: unknown key {_unknown(unknown, PROJECT_KEYS)}; the keys are "
            f"{allowed}."
        )
    root = src.resolve().parent
    where = f"project file {src}"
    inputs = _inputs_of(doc.get("inputs"), root, where)
    return _checked(
        Project(
            root=root,
            inputs=inputs,
            institution=_opt_str(doc.get("institution"), "institution", where),
            lang=_opt_str(doc.get("language"), "language", where) or "en",
            quarter=_quarter(doc.get("quarter"), f"{where}: quarter"),
            risk_profiles=_names(doc.get("risk_profiles"), "risk_profiles", root, where)
            or ("freedom-house",),
            scenarios=_names(doc.get("scenarios"), "scenarios", root, where) or DEFAULT_SCENARIOS,
            suppression_threshold=_threshold(doc.get("suppression_threshold"), where),
            output=_folder(doc.get("output"), "output", root, where),
            cache=_folder(doc.get("cache"), "cache", root, where),
            source=src.resolve(),
        ),
        where,
    )


def project_from_options(
    *,
    partnerships: Sequence[str | Path] = (),
    headcounts: Sequence[str | Path] = (),
    horizon: Sequence[str | Path] = (),
    home: str | Sequence[str] | None = None,
    columns: Mapping[str, str] | str | Path | None = None,
    defaults: Mapping[str, str] | None = None,
    headcount_defaults: Mapping[str, str] | None = None,
    lang: str = "en",
    quarter: str | None = None,
    risk_profile: str = "freedom-house",
    scenarios: Sequence[str] = DEFAULT_SCENARIOS,
    institution: str | None = None,
    data_dir: str | Path | None = None,
    root: str | Path | None = None,
) -> Project:
    """A project from the report's options (``--partnerships F… --headcounts G…`` and so on).

    Parameters
    ----------
    partnerships, headcounts, horizon : sequence of paths
        Export files. ``horizon`` needs ``home`` (the home organisation's PIC or name).
    columns, defaults : mapping, optional
        Header mapping (or a YAML file of one) and ``--set`` values for the partnerships files.
    headcount_defaults : mapping, optional
        ``--headcounts-set`` values for the headcounts files (``basis``, ``period``, ...).
    lang, quarter, risk_profile, scenarios, institution
        As in a project file.
    data_dir : path, optional
        A folder of sample-style files (``sample_partnerships.csv``, ``sample_headcounts.xlsx``)
        instead of ``partnerships``/``headcounts``; with none of them, the bundled sample.
    root : path, optional
        The project folder paths are shown relative to (default: the working directory).

    Returns
    -------
    Project

    Examples
    --------
    >>> project_from_options(partnerships=["export.csv"], lang="nl")  # doctest: +SKIP
    """
    base = Path(root or Path.cwd()).resolve()
    where = "options"
    if data_dir is not None and (partnerships or headcounts or horizon):
        raise OptionError(
            "--data conflicts with --partnerships/--headcounts/--horizon; give either --data DIR "
            "(the sample-style files in it) or the export files."
        )
    if headcounts and not (partnerships or horizon):
        raise OptionError("--headcounts needs --partnerships F or --horizon F (the agreements).")
    if horizon and not home:
        raise OptionError("--horizon needs --home PIC: the home organisation's PIC or name.")
    if home and not horizon:
        raise OptionError("--home is for --horizon files (the home organisation of a project).")
    if not (partnerships or horizon):
        specs = _sample_specs(Path(data_dir) if data_dir else config.RAW_DIR)
    else:
        specs = _export_specs(partnerships, headcounts, horizon, home, columns, defaults, base)
        if headcount_defaults:
            specs = [
                replace(s, defaults=_defaults(headcount_defaults, "--headcounts-set", "headcounts"))
                if s.table == "headcounts"
                else s
                for s in specs
            ]
    if headcount_defaults and not headcounts:
        raise OptionError("--headcounts-set is for --headcounts files: give --headcounts G too.")
    project = Project(
        root=base,
        inputs=tuple(specs),
        institution=institution,
        lang=lang,
        quarter=_quarter(quarter, "--quarter"),
        risk_profiles=split_names(risk_profile),
        scenarios=tuple(scenarios),
    )
    return _checked(project, where)


def _home(home: object) -> str | tuple[str, ...] | None:
    """The home organisation as given: one PIC or name, or several (a list in the project
    file, ``--home`` repeated), each as text (a PIC written as a YAML number included)."""
    if home is None:
        return None
    if isinstance(home, list | tuple):
        names = tuple(str(h) for h in home)
        return names[0] if len(names) == 1 else names
    return str(home)


def _export_specs(
    partnerships: Sequence[str | Path] | None,
    headcounts: Sequence[str | Path] | None,
    horizon: Sequence[str | Path] | None,
    home: str | Sequence[str] | None,
    columns: Mapping[str, str] | str | Path | None,
    defaults: Mapping[str, str] | None,
    base: Path,
) -> list[InputSpec]:
    """The inputs the export options name, each checked (files exist, mapping, defaults)."""
    mapping = _columns(columns, base, "--columns") if columns is not None else None
    specs = []
    if partnerships:
        specs.append(
            InputSpec(
                "partnerships",
                _files(partnerships, base, "--partnerships"),
                columns=mapping,
                defaults=_defaults(defaults, "--set", "partnerships"),
            )
        )
    if horizon:
        specs.append(InputSpec("horizon", _files(horizon, base, "--horizon"), home=_home(home)))
    if headcounts:
        specs.append(InputSpec("headcounts", _files(headcounts, base, "--headcounts")))
    return specs


def _sample_specs(data: Path) -> list[InputSpec]:
    """The sample-style folder: ``sample_partnerships.csv`` and, if there, the headcounts."""
    p, h = data / "sample_partnerships.csv", data / "sample_headcounts.xlsx"
    if not data.is_dir():
        raise InputFileError(f"--data {data}: no such directory.")
    if not p.is_file():
        raise InputFileError(
            f"--data {data}: no sample_partnerships.csv in it; give the directory of the "
            "sample-style raw files, or --partnerships F [--headcounts G]."
        )
    specs = [InputSpec("partnerships", (p.resolve(),))]
    if h.is_file():
        specs.append(InputSpec("headcounts", (h.resolve(),)))
    return specs


def _checked(project: Project, where: str) -> Project:
    """Check what every constructor shares: language, names of profiles and scenarios."""
    if project.lang not in ("en", "nl"):
        raise OptionError(f"{where}: language {project.lang!r}: use en or nl.")
    if not any(s.table in ("partnerships", "horizon") for s in project.inputs):
        raise OptionError(
            f"{where}: inputs: no partnerships; add inputs: partnerships: [{{file: export.csv}}] "
            "or horizon: [{file: cordis.xlsx, home: PIC}]."
        )
    for name in project.risk_profiles:
        _known(load_risk_profile, name, f"{where}: risk_profiles")
    for name in project.scenarios:
        _known(load_scenario, name, f"{where}: scenarios")
    return project


def _known(load: Any, name: str, where: str) -> None:
    try:
        load(name)
    except UnknownNameError as exc:
        raise UnknownNameError(f"{where}: {exc}") from exc
    except FileNotFoundError as exc:
        raise InputFileError(f"{where}: {name}: no such file ({exc}).") from exc


# ------------------------------------------------------------------------------------------------
# Values of a project file
# ------------------------------------------------------------------------------------------------


def _unknown(keys: Sequence[str], allowed: Any) -> str:
    """Unknown keys quoted, each with the allowed key it is most likely a typo of:
    ``'supression_threshold' (did you mean 'suppression_threshold'?)``."""
    out = []
    for key in keys:
        close = difflib.get_close_matches(str(key), [str(a) for a in allowed], n=1, cutoff=0.75)
        out.append(f"{key!r} (did you mean {close[0]!r}?)" if close else repr(key))
    return ", ".join(out)


def _inputs_of(doc: Any, root: Path, where: str) -> tuple[InputSpec, ...]:
    if not isinstance(doc, dict) or not doc:
        raise OptionError(
            f"{where}: inputs: expected a mapping with partnerships (or horizon) and optional "
            "headcounts, each a list of {file: PATH, columns: {...}, defaults: {...}}."
        )
    specs: list[InputSpec] = []
    for table, entries in doc.items():
        if table not in INPUT_KEYS:
            raise OptionError(
                f"{where}: inputs: unknown table {_unknown([str(table)], INPUT_KEYS)}; use "
                f"{', '.join(INPUT_KEYS)}."
            )
        entries = entries if isinstance(entries, list) else [entries]
        for i, entry in enumerate(entries):
            specs.append(_input_of(table, entry, root, f"{where}: inputs.{table}[{i}]"))
    return tuple(specs)


def _input_of(table: str, entry: Any, root: Path, where: str) -> InputSpec:
    if isinstance(entry, str):
        entry = {"file": entry}
    if not isinstance(entry, dict):
        raise OptionError(f"{where}: expected {{file: PATH, ...}}, got {entry!r}.")
    unknown = sorted(set(entry) - INPUT_KEYS[table])
    if unknown:
        raise OptionError(
            f"{where}: unknown key {_unknown(unknown, INPUT_KEYS[table])}; a {table} input takes "
            f"{', '.join(sorted(INPUT_KEYS[table]))}."
        )
    names = entry.get("files", entry.get("file"))
    if names is None:
        raise OptionError(f"{where}: no file; add file: PATH (relative to the project file).")
    names = names if isinstance(names, list) else [names]
    if table == "horizon" and not entry.get("home"):
        raise OptionError(f"{where}: a horizon input needs home: the home organisation's PIC.")
    return InputSpec(
        table=table,
        paths=_files([str(n) for n in names], root, f"{where}: file"),
        columns=_columns(entry["columns"], root, f"{where}: columns")
        if entry.get("columns") is not None
        else None,
        defaults=_defaults(
            entry.get("defaults"), f"{where}: defaults", table if table != "horizon" else None
        ),
        sheet=_opt_str(entry.get("sheet"), "sheet", where),
        ties=_bool(entry.get("ties", False), "ties", where),
        home=_home(entry.get("home")),
        faculty=_opt_str(entry.get("faculty"), "faculty", where) or "Central",
        basis=_opt_str(entry.get("basis"), "basis", where),
    )


def _files(names: Sequence[str | Path], root: Path, where: str) -> tuple[Path, ...]:
    out = []
    for name in names:
        p = Path(name)
        p = (p if p.is_absolute() else root / p).resolve()
        if not p.is_file():
            raise InputFileError(f"{where} {name}: no such file (looked in {p.parent}).")
        if p.stat().st_size == 0:
            raise InputFileError(f"{where} {name}: the file is empty; give a CSV or XLSX export.")
        out.append(p)
    return tuple(out)


def _columns(value: Any, root: Path, where: str) -> dict[str, str]:
    """A header mapping given inline or as a YAML file ``Header in file: field``."""
    if isinstance(value, str | Path):
        path = Path(value) if Path(value).is_absolute() else root / value
        if not path.is_file():
            raise InputFileError(f"{where} {value}: no such file; give a YAML mapping file.")
        try:
            value = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (yaml.YAMLError, UnicodeDecodeError, ValueError) as exc:
            raise OptionError(f"{where} {path.name}: not valid YAML ({exc}).") from None
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise OptionError(f"{where}: expected a mapping 'Header in file: field'.")
    return {str(k): v for k, v in value.items()}


def _defaults(value: Any, where: str, table: str | None = None) -> dict[str, str]:
    """The defaults as given, each checked as ingest reads it (``table``), the error naming
    where the user wrote it (``--headcounts-set basis=...``, a project file's ``defaults:``)."""
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise OptionError(f"{where}: expected a mapping field: value, e.g. {{kind: exchange}}.")
    out = {}
    for k, v in value.items():
        if isinstance(v, dict | list) or v is None:
            raise OptionError(f"{where}: {k}: expected one value, got {v!r}.")
        out[str(k)] = v.isoformat() if isinstance(v, dt.date) else str(v)
    if table in ("partnerships", "headcounts") and out:
        try:
            parse_defaults(table, out)  # type: ignore[arg-type]
        except IngestError as exc:
            text = str(exc)
            if where.startswith("--"):  # an option: its own name, not --set
                text = text.replace("--set ", f"{where} ")
            raise OptionError(text if where.startswith("--") else f"{where}: {text}") from None
    return out


def _names(value: Any, key: str, root: Path, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    items = value if isinstance(value, list) else [value]
    if not items or not all(isinstance(v, str) and v.strip() for v in items):
        raise OptionError(f"{where}: {key}: expected a list of names or file paths.")
    out = []
    for v in items:
        is_file = v.lower().endswith((".yaml", ".yml", ".csv"))
        out.append(str((root / v).resolve()) if is_file and not Path(v).is_absolute() else v)
    return tuple(out)


def _opt_str(value: Any, key: str, where: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        raise OptionError(f"{where}: {key}: expected text, got {value!r}.")
    return str(value).strip() or None


def _bool(value: Any, key: str, where: str) -> bool:
    if not isinstance(value, bool):
        raise OptionError(f"{where}: {key}: expected true or false, got {value!r}.")
    return value


def _threshold(value: Any, where: str) -> int:
    if value is None:
        return config.SUPPRESSION_THRESHOLD
    if isinstance(value, bool) or not isinstance(value, int) or value < 2:
        raise OptionError(
            f"{where}: suppression_threshold {value!r}: give a whole number ≥ 2 (default "
            f"{config.SUPPRESSION_THRESHOLD}: counts 1..4 are published as <5)."
        )
    return value


def _folder(value: Any, key: str, root: Path, where: str) -> Path | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise OptionError(f"{where}: {key}: expected a folder path, got {value!r}.")
    p = Path(value)
    return (p if p.is_absolute() else root / p).resolve()


def _quarter(value: Any, where: str) -> str | None:
    if value is None:
        return None
    m = _QUARTER.fullmatch(str(value).strip())
    if not m:
        raise OptionError(f"{where} {value!r}: not a quarter; use YYYYQn with n 1..4, e.g. 2026Q3.")
    return f"{m.group(1)}Q{m.group(2)}"


def _relpath(path: Path, root: Path) -> str:
    """``path`` relative to ``root`` with ``..`` where needed (same drive), else its name."""
    try:
        return Path(os.path.relpath(path, root)).as_posix()
    except ValueError:  # another drive on Windows
        return path.name


# ------------------------------------------------------------------------------------------------
# Reading: ingest once per unchanged input
# ------------------------------------------------------------------------------------------------


def version() -> str:
    """The installed kvanalytics version (part of every cache key and manifest)."""
    try:
        return metadata.version("kvanalytics")
    except metadata.PackageNotFoundError:
        return "unknown"


def _cache_key(project: Project, spec: InputSpec, hashes: Sequence[str]) -> str:
    """sha256 of the files' hashes and names, the reading options and the package version."""
    doc = {
        "format": _CACHE_FORMAT,
        "version": version(),
        "files": [[project.relative(p), h] for p, h in zip(spec.paths, hashes, strict=True)],
        "options": spec.options(),
    }
    return hashlib.sha256(json.dumps(doc, sort_keys=True).encode()).hexdigest()


def _ingest(spec: InputSpec) -> Ingested:
    paths = list(spec.paths)
    if spec.table == "horizon":
        home = spec.home if isinstance(spec.home, str) else list(spec.home or ())
        return read_horizon(
            paths, home=home, errors="collect", sheet=spec.sheet, faculty=spec.faculty
        )
    if spec.table == "headcounts":
        return read_headcounts(
            paths,
            columns=spec.columns,
            sheet=spec.sheet,
            basis=spec.basis,
            defaults=spec.defaults or None,
            errors="collect",
        )
    return read_partnerships(
        paths,
        columns=spec.columns,
        sheet=spec.sheet,
        defaults=spec.defaults or None,
        ties=spec.ties,
        errors="collect",
    )


def _relative_sources(df: pd.DataFrame, names: Mapping[str, str]) -> pd.DataFrame:
    """``source_file`` as the path relative to the project folder (never the machine's)."""
    if "source_file" not in df.columns or df.empty:
        return df
    col = df["source_file"].astype("string")
    return df.assign(source_file=col.map(lambda v: names.get(v, v) if isinstance(v, str) else v))


def _read_spec(
    project: Project, spec: InputSpec, *, cache: bool
) -> tuple[pd.DataFrame, pd.DataFrame, list[int | None], bool]:
    """The table, rejects and rows read per file of one input, from the cache when its key is
    there (then ``reused`` is True)."""
    hashes = [file_sha256(p) for p in spec.paths]
    key = _cache_key(project, spec, hashes)
    stem = project.cache_dir / f"{spec.table}-{key[:24]}"
    table_path, rejects_path = Path(f"{stem}.parquet"), Path(f"{stem}.rejects.parquet")
    meta_path = Path(f"{stem}.json")
    if cache and table_path.is_file() and rejects_path.is_file() and meta_path.is_file():
        rows = json.loads(meta_path.read_text(encoding="utf-8"))["rows_read"]
        return pd.read_parquet(table_path), pd.read_parquet(rejects_path), rows, True
    result = _ingest(spec)
    names = {str(p): project.relative(p) for p in spec.paths}
    table = _relative_sources(result.table, names)
    rejects = _relative_sources(result.rejects, names)
    per_file = {
        names.get(str(f.get("file")), str(f.get("file"))): f.get("rows")
        for f in result.report.files
    }
    rows = [per_file.get(project.relative(p)) for p in spec.paths]
    if cache:
        _write_cache(project, table, rejects, rows, (table_path, rejects_path, meta_path))
    return table, rejects, rows, False


def _write_cache(
    project: Project,
    table: pd.DataFrame,
    rejects: pd.DataFrame,
    rows: list[int | None],
    paths: tuple[Path, Path, Path],
) -> None:
    """Write one cache entry; a failure costs time (the next run ingests again), never data."""
    table_path, rejects_path, meta_path = paths
    try:
        project.cache_dir.mkdir(parents=True, exist_ok=True)
        table.to_parquet(table_path, index=False)
        text = {c: "string" for c in rejects.columns if rejects[c].dtype == object}
        rejects.astype(text).to_parquet(rejects_path, index=False)
        meta_path.write_text(json.dumps({"rows_read": rows}), encoding="utf-8")
    except (OSError, ValueError, TypeError):
        for p in paths:
            p.unlink(missing_ok=True)


def _file_rows(
    project: Project,
    spec: InputSpec,
    table: pd.DataFrame,
    rejects: pd.DataFrame,
    rows: list[int | None],
    reused: bool,
) -> list[dict[str, Any]]:
    out = []
    for p, read in zip(spec.paths, rows, strict=True):
        rel = project.relative(p)
        accepted = (
            int((table["source_file"] == rel).sum()) if "source_file" in table else len(table)
        )
        rejected = int((rejects["source_file"] == rel).sum()) if "source_file" in rejects else 0
        out.append(
            {
                "table": "partnerships" if spec.table == "horizon" else spec.table,
                "reader": spec.table,
                "path": rel,
                "sha256": file_sha256(p),
                "bytes": p.stat().st_size,
                "rows_read": accepted + rejected if read is None else int(read),
                "rows_accepted": accepted,
                "rows_rejected": rejected,
                "reused": reused,
            }
        )
    return out


def read_inputs(project: Project, *, cache: bool = True) -> Inputs:
    """Read every input of ``project`` into the canonical tables (rejects collected).

    An input whose files, mapping, defaults and package version are unchanged is read back from
    ``project.cache_dir`` instead of being ingested again.

    Parameters
    ----------
    project : Project
    cache : bool
        Reuse and write cache entries (default). ``False`` ingests every file afresh.

    Returns
    -------
    Inputs

    Examples
    --------
    >>> inputs = read_inputs(load_project("kvanalytics.yaml"))  # doctest: +SKIP
    >>> inputs.files[["path", "rows_accepted", "rows_rejected"]]  # doctest: +SKIP
    """
    parts: dict[str, list[pd.DataFrame]] = {"partnerships": [], "headcounts": []}
    rejects, files = [], []
    for spec in project.inputs:
        table, rej, rows, reused = _read_spec(project, spec, cache=cache)
        kind = "partnerships" if spec.table == "horizon" else spec.table
        parts[kind].append(table)
        rejects.append(rej.assign(table=kind))
        files += _file_rows(project, spec, table, rej, rows, reused)
    partnerships = _concat(parts["partnerships"])
    headcounts = _concat(parts["headcounts"]) if parts["headcounts"] else None
    all_rejects = _concat(rejects)
    notes = []
    if headcounts is None:
        notes.append("No headcounts given: people are left out.")
    if len(all_rejects):
        notes.append(
            f"{len(all_rejects):,} input rows rejected (listed with their reasons); the figures "
            "count the accepted rows only."
        )
    return Inputs(partnerships, headcounts, pd.DataFrame(files), all_rejects, tuple(notes))


def _concat(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """Several inputs of one table as one frame, each text column in one piece.

    ``pd.concat`` of pyarrow-backed text columns keeps one chunk per input, which
    ``people.factorize`` (``dictionary_encode().indices``) does not take; rebuilding the
    column joins the chunks (a copy of the text, paid only when there are several inputs).
    """
    if len(frames) == 1:
        return frames[0]
    if not frames:
        return pd.DataFrame()
    out = pd.concat(frames, ignore_index=True)
    for c in out.columns:
        if isinstance(out[c].dtype, pd.StringDtype):
            out[c] = pd.Series(out[c].to_numpy(), index=out.index, dtype=out[c].dtype)
    return out
