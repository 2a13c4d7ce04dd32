"""Build step: writes self-contained .avsc files into the package from the project's schemas (see
modehop/avsc.py). Everything else is declared in pyproject.toml."""

import importlib.util
import os
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
SOURCE = Path(os.environ.get("MODEHOP_SCHEMA_DIR", HERE.parent.parent / "schemas" / "src" / "main" / "avro"))


def _avsc():
    spec = importlib.util.spec_from_file_location("modehop_avsc", HERE / "src" / "modehop" / "avsc.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class BuildWithSchemas(build_py):
    def run(self):
        super().run()
        if not SOURCE.is_dir():
            raise SystemExit("modehop-client: %s not found; build from a modehop checkout or set MODEHOP_SCHEMA_DIR"
                             % SOURCE)
        names = _avsc().write_standalone(SOURCE, Path(self.build_lib) / "modehop" / "avro")
        self.announce("modehop-client: bundled %d self-contained schemas" % len(names), level=2)


setup(cmdclass={"build_py": BuildWithSchemas})
