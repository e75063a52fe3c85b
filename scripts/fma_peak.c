/* fma_peak.c -- measure this machine's peak single-precision FMA rate.
 * Each thread runs 12 independent chains of vector FMAs (enough to cover
 * the FMA latency on current x86 cores) for a fixed count, all threads at
 * once; prints the total GFLOP/s (2 FLOPs per multiply-add per lane).
 * Build: cc -O2 -march=native -o fma_peak fma_peak.c -lpthread
 * Usage: fma_peak [threads]          (used by scripts/bench.sh) */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#if defined(__AVX512F__)
#include <immintrin.h>
typedef __m512 vec;
#define LANES 16
#define FMA(a, b, c) _mm512_fmadd_ps(a, b, c)
#define SET1(x) _mm512_set1_ps(x)
static float first(vec v) { return _mm512_cvtss_f32(v); }
#elif defined(__AVX2__) && defined(__FMA__)
#include <immintrin.h>
typedef __m256 vec;
#define LANES 8
#define FMA(a, b, c) _mm256_fmadd_ps(a, b, c)
#define SET1(x) _mm256_set1_ps(x)
static float first(vec v) { return _mm256_cvtss_f32(v); }
#else
typedef float vec;
#define LANES 1
#define FMA(a, b, c) ((a) * (b) + (c))
#define SET1(x) (x)
static float first(vec v) { return v; }
#endif

#define CHAINS 12
#define ITERS 200000000L

static void *run(void *out)
{
    vec acc[CHAINS], m = SET1(0.999999f), a = SET1(1e-7f);
    float s = 0;
    for (int k = 0; k < CHAINS; k++) acc[k] = SET1((float)k);
    for (long i = 0; i < ITERS / CHAINS; i++)
        for (int k = 0; k < CHAINS; k++) acc[k] = FMA(acc[k], m, a);
    for (int k = 0; k < CHAINS; k++) s += first(acc[k]);
    *(float *)out = s;
    return NULL;
}

int main(int argc, char **argv)
{
    int nt = argc > 1 ? atoi(argv[1]) : 1;
    pthread_t th[256];
    float sink[256];
    struct timespec t0, t1;
    double secs;
    if (nt < 1 || nt > 256) return 2;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (int t = 0; t < nt; t++) pthread_create(&th[t], NULL, run, &sink[t]);
    for (int t = 0; t < nt; t++) pthread_join(th[t], NULL);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    secs = (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
    printf("%.1f\n", 2.0 * LANES * (double)(ITERS / CHAINS * CHAINS) * nt / secs / 1e9);
    return sink[0] == 12345.0f; /* keep the results alive */
}
