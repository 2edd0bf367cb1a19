"""Which BLAS a process really uses, and control of its thread count.

Debian's torch and numpy link the generic ``libblas.so.3``; update-alternatives decides which
library that is (OpenBLAS pthread after ``setup.sh``, else the slow reference BLAS). OpenBLAS also
picks its kernel at run time (DYNAMIC_ARCH) unless ``OPENBLAS_CORETYPE`` forces one, so the only
reliable answer is to ask the library that is mapped into this process.

Import this module *after* torch/numpy/faiss so that the BLAS they loaded is already mapped.
"""

import ctypes
import os


def _mapped_blas_paths():
    """Paths of the BLAS libraries mapped into this process (Linux /proc/self/maps)."""
    paths = []
    try:
        with open("/proc/self/maps", encoding="utf-8") as maps:
            for line in maps:
                parts = line.split()
                if len(parts) >= 6 and "blas" in os.path.basename(parts[-1]):
                    if parts[-1] not in paths:
                        paths.append(parts[-1])
    except OSError:
        pass
    return paths


def _openblas_lib():
    """The mapped OpenBLAS as a ctypes library, or None if the process does not use OpenBLAS."""
    for path in _mapped_blas_paths():
        try:
            lib = ctypes.CDLL(path)  # already loaded: this only returns a handle to it
            lib.openblas_get_corename.restype = ctypes.c_char_p
            return lib
        except (OSError, AttributeError):
            continue
    return None


def blas_info():
    """A dict describing the BLAS in use: library path, OpenBLAS kernel and build config."""
    info = {
        "libraries": _mapped_blas_paths(),
        "OPENBLAS_CORETYPE": os.environ.get("OPENBLAS_CORETYPE"),
        "OPENBLAS_L2_SIZE": os.environ.get("OPENBLAS_L2_SIZE"),
    }
    lib = _openblas_lib()
    if lib is None:
        info["openblas"] = None
        return info
    lib.openblas_get_config.restype = ctypes.c_char_p
    info["openblas_core"] = lib.openblas_get_corename().decode()
    info["openblas_config"] = lib.openblas_get_config().decode()
    info["openblas_threads"] = int(lib.openblas_get_num_threads())
    return info


def set_blas_threads(threads):
    """Set OpenBLAS's own thread pool size.

    The pthread build of OpenBLAS keeps its own pool, sized to the core count at load time;
    torch.set_num_threads / faiss.omp_set_num_threads only change OpenMP and do not reach it, so
    a "1 thread" run would still use 2 cores inside every matrix product without this call.
    """
    lib = _openblas_lib()
    if lib is not None:
        lib.openblas_set_num_threads(ctypes.c_int(threads))
