/*
 * LibTorch's CPU build links Intel MKL statically and exports MKL's vendor check. On AMD CPUs the
 * check answers "not Intel" and MKL dispatches its float32 products to a slower, non-AVX-512 code
 * path even on CPUs with AVX-512 (MKL's own mkl_serv_cpu_detect() reports level 0 on the project's
 * AMD EPYC machine, 7 with this library). Loaded ahead of LibTorch with global symbol scope, this
 * one-function library makes the check answer "Intel", so MKL picks the kernels the CPU can run.
 *
 * Built next to the program by build/MklVendorShim.targets whenever a C compiler is present; loaded
 * only when asked (RqVae.Platform.MklDispatch.PreferCpuKernels, or RQVAE_MKL_AVX512=1 for the rqvae
 * tool). It changes which kernel computes every float32 product in the process, so low-order bits
 * of results (and so training trajectories and, rarely, an ID near a code boundary) differ from a
 * run without it, exactly as they differ between an Intel and an AMD machine: never implicit.
 */
int mkl_serv_intel_cpu_true(void) { return 1; }
