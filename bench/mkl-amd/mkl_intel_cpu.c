/*
 * LibTorch's CPU build links Intel MKL statically and exports MKL's vendor check. On AMD CPUs the
 * check answers "not Intel" and MKL's sgemm takes a slower, non-AVX-512 code path even on CPUs
 * with AVX-512 (this machine: AMD EPYC, family 26). Preloading this one-function library makes
 * the check answer "Intel", so MKL picks its AVX-512 kernels:
 *
 *   gcc -shared -fPIC -O2 -o libmkl_intel_cpu.so mkl_intel_cpu.c
 *   LD_PRELOAD=$PWD/libmkl_intel_cpu.so dotnet ...
 *
 * It changes which kernel computes every float32 matrix product in the process, so low-order bits
 * of results (and, rarely, an ID near a code boundary) can differ from a run without it, exactly as
 * they differ between an Intel and an AMD machine. It is therefore never applied implicitly: the
 * speed benchmark runs our side both with and without it and reports both.
 */
int mkl_serv_intel_cpu_true(void) { return 1; }
