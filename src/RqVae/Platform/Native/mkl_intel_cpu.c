/*
 * LibTorch's CPU build links Intel MKL statically and exports MKL's vendor check. On AMD CPUs the
 * check answers "not Intel" and MKL dispatches its float32 products to a slower, non-AVX-512 code
 * path even on CPUs with AVX-512 (MKL's own mkl_serv_cpu_detect() reports level 0 on the project's
 * AMD EPYC machine, 7 with this library). Loaded ahead of LibTorch with global symbol scope, this
 * one-function library makes the check answer "Intel", so MKL picks the kernels the CPU can run.
 *
 * Built next to the program by build/MklVendorShim.targets (a C compiler is a build prerequisite) and
 * loaded by every process before LibTorch (RqVae.Platform.MklDispatch, when the RqVae assembly loads).
 * It also makes MKL honour its reproducibility setting (MKL_CBWR), which MKL ignores on non-Intel CPUs:
 * with it, an AMD machine gives exactly the weights an Intel machine gives with the same setting.
 */
int mkl_serv_intel_cpu_true(void) { return 1; }
