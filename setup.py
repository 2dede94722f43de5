"""Builds the compiled engine core (mcfsm/check/kernel/_core.pyx, Cython) on `pip install -e .`.
Everything else is declared in pyproject.toml. The extension is optional: when Cython or a
C compiler is missing, or the build fails, mcfsm installs without it and runs the
pure-Python twin (mcfsm/check/kernel/core.py), and every Result says which engine ran."""

from setuptools import setup

try:
    from Cython.Build import cythonize

    ext_modules = cythonize(["mcfsm/check/kernel/_core.pyx"], quiet=True,
                            compiler_directives={"language_level": "3"})
    for ext in ext_modules:
        ext.optional = True  # a failed C build is a warning: the twin runs instead
        # -g0: no debug information (Python's own CFLAGS ask for -g): the C compile takes
        # 11 s against 16 s and the library is 0.65 MB against 3.8 MB
        ext.extra_compile_args = ["-O2", "-g0"]
except Exception as exc:  # Cython missing or the .pyx does not translate
    print(f"mcfsm: the compiled engine core is not built ({exc}); the pure-Python twin runs")
    ext_modules = []

setup(ext_modules=ext_modules)
