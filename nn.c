/* nn.c -- train and run feedforward neural networks from the command line.
 *
 * One C11 file, libc + libm + POSIX threads.  Mini-batch stochastic gradient
 * descent with backpropagation, written as plain loops over flat arrays, with
 * SIMD kernels (AVX-512 or AVX2+FMA when the compiler targets them) checked
 * against plain reference kernels.
 *
 * Build:   cc -std=c11 -O2 -o nn nn.c -lm -lpthread      (see Makefile)
 * Synopsis:
 *   nn train [--layers 784-30-10] [--eta 3.0] [--epochs 30] [--batch 10]
 *            [--train FILE [--train-labels FILE]] [--test FILE ...] [--out model.bin]
 *   nn predict MODEL INPUT [--probs]
 *   nn eval MODEL DATA [--labels FILE]
 *   nn info MODEL | nn info --layers SPEC
 *   nn help [COMMAND] | nn COMMAND --help | nn --version
 *
 * Exit status: 0 success, 1 data or runtime error, 2 usage error.
 *
 * File formats (each has a "format notes" comment at its loader):
 *   IDX (MNIST), CSV, and the nn model file (@@12).
 *
 * Section map (grep -n '@@' nn.c):
 *   @@1 includes and limits     @@2 types             @@3 diagnostics
 *   @@4 checked sizes, memory   @@5 number parsing    @@6 random numbers
 *   @@7 byte I/O and CRC-32     @@8 kernels           @@9 network
 *   @@10 threads                @@11 forward, backward, training step
 *   @@12 model file             @@13 data loaders     @@14 training loop
 *   @@15 command line           @@16 main
 *
 * Licence: MIT (see LICENSE).
 */

/* ======================================================================== */
/* @@1 includes and limits                                                  */
/* ======================================================================== */

#define _POSIX_C_SOURCE 200809L
#define _DEFAULT_SOURCE /* madvise(MADV_HUGEPAGE) where the C library has it */
#include <errno.h>
#include <fcntl.h>
#include <float.h>
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#if defined(__AVX512F__)
#include <immintrin.h>
#define NN_SIMD "avx512"
#define NN_VW 16
#elif defined(__AVX2__) && defined(__FMA__)
#include <immintrin.h>
#define NN_SIMD "avx2"
#define NN_VW 8
#else
#define NN_SIMD "plain"
#define NN_VW 1
#endif

#define NN_VERSION "0.1.0"

/* Documented caps (README.md "Limits").  Checked before anything is
 * allocated, so hostile sizes fail with a message, not an allocation. */
#define NN_MAX_LAYERS 16            /* layer sizes in a spec, input included */
#define NN_MAX_WIDTH 65536          /* neurons in one layer (or input features) */
#define NN_MAX_PARAMS 100000000     /* weights + biases in one network */
#define NN_MAX_CLASSES 65536        /* distinct class labels */
#define NN_MAX_FILE ((size_t)4 << 30) /* bytes read from one input file */
#define NN_MAX_ROWS 100000000       /* examples in one data set */
#define NN_MAX_THREADS 256
#define NN_MAX_BATCH 65536
#define NN_MAX_EPOCHS 1000000

/* Fault injection for the tests (tests/Makefile builds the gradient check
 * with each): 1 drops the activation derivative, 2 flips the sign of the
 * output error, 3 drops the bias gradient, 4 flips the propagated delta. */
#ifndef NN_FAULT
#define NN_FAULT 0
#endif

#define NN_PAD 16 /* floats: rows are padded to 64 bytes, tails are zero */
#define NN_ALIGN 64

/* ======================================================================== */
/* @@2 types                                                                */
/* ======================================================================== */

/* A status message filled by loaders and parsers; only the command layer
 * prints it.  `where` names the file (and line) when known. */
typedef struct {
    char where[512];
    char msg[512];
} Err;

enum { ACT_SIGMOID = 1 };
enum { COST_QUADRATIC = 1, COST_CROSS_ENTROPY = 2 };

/* The network: L = nl - 1 weight layers.  All weights and biases live in one
 * 64-byte aligned allocation `param`; W(l) and B(l) are views into it.
 * Layer l (1..nl-1) has weights (size[l], ld[l-1]) row-major -- W[out][in],
 * each row padded with zeros to ld[l-1] = roundup(size[l-1], NN_PAD) -- and
 * biases (size[l]) in a slot of ld[l] floats. */
typedef struct {
    int nl;                        /* number of layer sizes, input included */
    size_t size[NN_MAX_LAYERS];    /* neurons per layer; size[0] = inputs */
    size_t ld[NN_MAX_LAYERS];      /* padded row length of each layer */
    size_t woff[NN_MAX_LAYERS];    /* offset of W(l) in param, l >= 1 */
    size_t boff[NN_MAX_LAYERS];    /* offset of B(l) in param, l >= 1 */
    size_t nparam;                 /* floats in param, padding included */
    int act[NN_MAX_LAYERS];        /* activation of layer l >= 1 */
    int cost;
    float *param;
} Net;

#define NET_W(n, l) ((n)->param + (n)->woff[l])
#define NET_B(n, l) ((n)->param + (n)->boff[l])

/* Settings recorded in a model file. */
typedef struct {
    float in_div;    /* inputs are divided by this before the first layer */
    float eta;
    uint32_t batch, epochs, epochs_done;
    uint64_t seed;
} Meta;

/* A labelled (or unlabelled) data set.  Features are either bytes (IDX
 * unsigned byte images, kept as loaded: 1 byte per pixel) or floats. */
typedef struct {
    size_t n, d;          /* rows, features per row */
    const uint8_t *x8;    /* (n, d) or NULL */
    const float *xf;      /* (n, d) or NULL */
    int32_t *y;           /* (n) labels, or NULL when unlabelled */
    size_t nclass;        /* 1 + largest label, 0 when unlabelled */
    float maxabs;         /* largest |feature|, for --scale auto */
    int is_idx8;          /* features are IDX unsigned bytes */
    void *own_x, *own_y;  /* allocations this set owns */
    char name[512];
} Data;

/* ======================================================================== */
/* @@3 diagnostics                                                          */
/* ======================================================================== */

static const char *progname = "nn"; /* the one mutable global */

/* Fill err with a message; returns -1 so loaders can `return fail(...)`. */
#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static int fail(Err *err, const char *where, const char *fmt, ...)
{
    va_list ap;
    char w[sizeof err->where], m[sizeof err->msg]; /* the arguments may be err's own text */
    if (!err) return -1;
    snprintf(w, sizeof w, "%s", where ? where : "");
    va_start(ap, fmt);
    vsnprintf(m, sizeof m, fmt, ap);
    va_end(ap);
    memcpy(err->where, w, sizeof w);
    memcpy(err->msg, m, sizeof m);
    return -1;
}

/* Print "nn: WHERE: MSG" on stderr. */
static void report(const Err *err)
{
    if (err->where[0])
        fprintf(stderr, "%s: %s: %s\n", progname, err->where, err->msg);
    else
        fprintf(stderr, "%s: %s\n", progname, err->msg);
}

#if defined(__GNUC__)
__attribute__((format(printf, 1, 2)))
#endif
static void say(const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "%s: ", progname);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* ======================================================================== */
/* @@4 checked sizes, memory                                                */
/* ======================================================================== */

/* *r = a * b; returns 0, or -1 on overflow. */
static int mul_ok(size_t a, size_t b, size_t *r)
{
    if (a && b > SIZE_MAX / a) return -1;
    *r = a * b;
    return 0;
}

static int add_ok(size_t a, size_t b, size_t *r)
{
    if (b > SIZE_MAX - a) return -1;
    *r = a + b;
    return 0;
}

static size_t round_up(size_t n, size_t k) { return (n + k - 1) / k * k; }

/* 64-byte aligned, zeroed array of n floats; NULL on overflow or no memory.
 * Freed with free(). */
static float *alloc_floats(size_t n)
{
    size_t bytes;
    void *p;
    if (n == 0) n = 1;
    if (mul_ok(n, sizeof(float), &bytes) || add_ok(bytes, NN_ALIGN, &bytes)) return NULL;
    bytes = round_up(bytes, NN_ALIGN);
    p = aligned_alloc(NN_ALIGN, bytes);
    if (p) memset(p, 0, bytes);
    return p;
}

/* malloc for a large byte buffer.  Big ones are 2 MiB aligned and, where
 * the system offers it, backed by huge pages: a shuffled mini-batch reads
 * rows from all over a data set, and 4 KiB pages would make nearly every row
 * a TLB miss.  Freed with free(); grown with realloc(). */
static void *alloc_bytes(size_t n)
{
    const size_t huge = (size_t)2 << 20;
    void *p;
    if (n < huge) return malloc(n);
    p = aligned_alloc(huge, round_up(n, huge));
#if defined(MADV_HUGEPAGE)
    if (p) (void)madvise(p, round_up(n, huge), MADV_HUGEPAGE);
#endif
    return p;
}

/* calloc of n elements of size sz, overflow-checked. */
static void *alloc_array(size_t n, size_t sz)
{
    size_t bytes;
    if (mul_ok(n ? n : 1, sz, &bytes)) return NULL;
    return calloc(1, bytes);
}

/* ======================================================================== */
/* @@5 number parsing                                                       */
/* ======================================================================== */

/* Parse a whole string as a non-negative decimal integer <= max.  Returns 0
 * and sets *out, or -1 (empty, sign, junk, overflow, too large). */
static int parse_size(const char *s, size_t max, size_t *out)
{
    size_t v = 0;
    if (!s || !*s) return -1;
    for (; *s; s++) {
        if (*s < '0' || *s > '9') return -1;
        if (v > (SIZE_MAX - 9) / 10) return -1;
        v = v * 10 + (size_t)(*s - '0');
        if (v > max) return -1;
    }
    *out = v;
    return 0;
}

/* Parse a whole string as a finite double (decimal only: no hex, nan, inf).
 * Returns 0 or -1. */
static int parse_double(const char *s, double *out)
{
    char *end;
    double v;
    const char *p = s;
    if (!s || !*s) return -1;
    if (*p == '+' || *p == '-') p++;
    if (!((*p >= '0' && *p <= '9') || *p == '.')) return -1; /* nan, inf, space */
    if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) return -1;
    errno = 0;
    v = strtod(s, &end);
    if (end == s || *end || errno == ERANGE || !isfinite(v)) return -1;
    *out = v;
    return 0;
}

/* Fast strict number scanner for data files.  Reads [+-]digits[.digits]
 * [(e|E)[+-]digits] starting at *pp, stopping before the first character that
 * cannot continue it.  Exact (correctly rounded to double) when the digits fit
 * in 19 significant digits and the power of ten is within 10^22 (Clinger's
 * fast path); other forms go through strtod on a copy.  Returns 0 and advances
 * *pp, or -1 when the text is not a finite decimal number. */
static int scan_number(const char **pp, const char *end, double *out)
{
    static const double p10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                 1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
    const char *p = *pp, *start = p;
    int neg = 0, ndig = 0, frac = 0, ex = 0, sig = 0;
    uint64_t m = 0;
    if (p < end && (*p == '+' || *p == '-')) neg = (*p++ == '-');
    while (p < end && *p >= '0' && *p <= '9') {
        if (sig < 19) {
            m = m * 10 + (uint64_t)(*p - '0');
            if (m) sig++;
        } else {
            ex++; /* digits beyond 19 only scale */
        }
        p++, ndig++;
    }
    if (p < end && *p == '.') {
        p++;
        while (p < end && *p >= '0' && *p <= '9') {
            if (sig < 19) {
                m = m * 10 + (uint64_t)(*p - '0');
                if (m) sig++;
                frac++;
            }
            p++, ndig++;
        }
    }
    if (ndig == 0) return -1;
    if (p < end && (*p == 'e' || *p == 'E')) {
        int eneg = 0, e = 0, edig = 0;
        p++;
        if (p < end && (*p == '+' || *p == '-')) eneg = (*p++ == '-');
        while (p < end && *p >= '0' && *p <= '9') {
            if (e < 100000) e = e * 10 + (*p - '0');
            p++, edig++;
        }
        if (!edig) return -1;
        ex += eneg ? -e : e;
    }
    ex -= frac;
    if (m == 0) {
        *out = neg ? -0.0 : 0.0;
    } else if (m < ((uint64_t)1 << 53) && ex >= -22 && ex <= 22) {
        double v = (double)m;
        v = ex < 0 ? v / p10[-ex] : v * p10[ex];
        *out = neg ? -v : v;
    } else {
        char buf[400];
        size_t len = (size_t)(p - start);
        char *e2;
        double v;
        if (len >= sizeof buf) return -1;
        memcpy(buf, start, len);
        buf[len] = 0;
        errno = 0;
        v = strtod(buf, &e2);
        if (*e2 || errno == ERANGE || !isfinite(v)) return -1;
        *out = v;
    }
    *pp = p;
    return 0;
}

/* ======================================================================== */
/* @@6 random numbers                                                       */
/* ======================================================================== */

/* xoshiro256** seeded through splitmix64: one explicit state, passed by
 * pointer; used for initialisation and shuffling. */
typedef struct {
    uint64_t s[4];
} Rng;

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static void rng_seed(Rng *r, uint64_t seed)
{
    for (int i = 0; i < 4; i++) r->s[i] = splitmix64(&seed);
}

static uint64_t rotl64(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

static uint64_t rng_next(Rng *r)
{
    uint64_t *s = r->s, result = rotl64(s[1] * 5, 7) * 9, t = s[1] << 17;
    s[2] ^= s[0], s[3] ^= s[1], s[1] ^= s[2], s[0] ^= s[3], s[2] ^= t;
    s[3] = rotl64(s[3], 45);
    return result;
}

/* Uniform double in [0, 1). */
static double rng_uniform(Rng *r) { return (double)(rng_next(r) >> 11) * 0x1.0p-53; }

/* Uniform integer in [0, n), n > 0, without modulo bias (rejection). */
static uint64_t rng_below(Rng *r, uint64_t n)
{
    uint64_t lim = UINT64_MAX - UINT64_MAX % n, x;
    do x = rng_next(r);
    while (x >= lim);
    return x % n;
}

/* Standard normal deviate (Box-Muller, one of the pair). */
static double rng_normal(Rng *r)
{
    double u1 = 1.0 - rng_uniform(r), u2 = rng_uniform(r);
    return sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
}

/* Fisher-Yates shuffle of idx[0..n). */
static void shuffle(Rng *r, size_t *idx, size_t n)
{
    for (size_t i = n; i > 1; i--) {
        size_t j = (size_t)rng_below(r, i), t = idx[i - 1];
        idx[i - 1] = idx[j], idx[j] = t;
    }
}

/* ======================================================================== */
/* @@7 byte I/O and CRC-32                                                  */
/* ======================================================================== */

/* Read a whole file ("-" = standard input) into a malloc'd buffer, at most
 * `cap` bytes.  The buffer has one extra NUL byte after *len.  Caller frees. */
static int read_all(const char *path, size_t cap, uint8_t **out, size_t *len, Err *err)
{
    FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
    const char *name = strcmp(path, "-") ? path : "(stdin)";
    struct stat st;
    size_t n = 0, size = 1 << 16;
    uint8_t *buf;
    if (!f) return fail(err, name, "cannot open: %s", strerror(errno));
    if (fstat(fileno(f), &st) == 0) {
        if (S_ISDIR(st.st_mode)) {
            if (f != stdin) fclose(f);
            return fail(err, name, "is a directory, not a data file");
        }
        if (S_ISREG(st.st_mode) && st.st_size > 0) {
            if ((uintmax_t)st.st_size > cap) {
                if (f != stdin) fclose(f);
                return fail(err, name, "file too large (%jd bytes; the limit is %zu)",
                            (intmax_t)st.st_size, cap);
            }
            size = (size_t)st.st_size + 1;
        }
    }
    buf = alloc_bytes(size + 1);
    if (!buf) {
        if (f != stdin) fclose(f);
        return fail(err, name, "out of memory reading the file");
    }
    for (;;) {
        size_t got = fread(buf + n, 1, size - n, f);
        n += got;
        if (got == 0) break;
        if (n == size) {
            uint8_t *nb;
            if (size > cap) break;
            size = size > cap / 2 ? cap + 1 : size * 2;
            nb = realloc(buf, size + 1);
            if (!nb) {
                free(buf);
                if (f != stdin) fclose(f);
                return fail(err, name, "out of memory reading the file");
            }
            buf = nb;
        }
    }
    if (ferror(f)) {
        int e = errno;
        free(buf);
        if (f != stdin) fclose(f);
        return fail(err, name, "read error: %s", strerror(e));
    }
    if (f != stdin) fclose(f);
    if (n > cap) {
        free(buf);
        return fail(err, name, "file too large (the limit is %zu bytes)", cap);
    }
    buf[n] = 0;
    *out = buf;
    *len = n;
    return 0;
}

/* A bounded read cursor over a byte buffer. */
typedef struct {
    const uint8_t *p, *end;
} Cursor;

static int cur_need(const Cursor *c, size_t n) { return (size_t)(c->end - c->p) >= n; }

static uint32_t get_be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint32_t get_le32(const uint8_t *p)
{
    return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

static void put_le32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v, p[1] = (uint8_t)(v >> 8), p[2] = (uint8_t)(v >> 16), p[3] = (uint8_t)(v >> 24);
}

static uint32_t f32_bits(float f)
{
    uint32_t u;
    memcpy(&u, &f, 4);
    return u;
}

static float bits_f32(uint32_t u)
{
    float f;
    memcpy(&f, &u, 4);
    return f;
}

/* CRC-32 (IEEE 802.3, as in gzip and PNG), four bits at a time. */
static uint32_t crc32_update(uint32_t crc, const uint8_t *p, size_t n)
{
    static const uint32_t t[16] = {
        0x00000000, 0x1db71064, 0x3b6e20c8, 0x26d930ac, 0x76dc4190, 0x6b6b51f4,
        0x4db26158, 0x5005713c, 0xedb88320, 0xf00f9344, 0xd6d6a3e8, 0xcb61b38c,
        0x9b64c2b0, 0x86d3d2d4, 0xa00ae278, 0xbdbdf21c};
    crc = ~crc;
    while (n--) {
        crc ^= *p++;
        crc = (crc >> 4) ^ t[crc & 15];
        crc = (crc >> 4) ^ t[crc & 15];
    }
    return ~crc;
}

/* Write `len` bytes to `path` atomically: a temporary file in the same
 * directory, flushed, fsync'ed, then renamed over the target, so the old
 * file survives any failure. */
static int write_atomic(const char *path, const uint8_t *data, size_t len, Err *err)
{
    char tmp[4096];
    FILE *f;
    int fd, ok;
    if (snprintf(tmp, sizeof tmp, "%s.tmp.XXXXXX", path) >= (int)sizeof tmp)
        return fail(err, path, "path too long");
    fd = mkstemp(tmp);
    if (fd < 0) return fail(err, path, "cannot create a temporary file beside it: %s", strerror(errno));
    (void)fchmod(fd, 0644); /* mkstemp makes 0600; a model is an ordinary file */
    f = fdopen(fd, "wb");
    if (!f) {
        int e = errno;
        close(fd);
        unlink(tmp);
        return fail(err, path, "cannot write: %s", strerror(e));
    }
    ok = fwrite(data, 1, len, f) == len;
    ok = (fflush(f) == 0) && ok;
    ok = ok && fsync(fileno(f)) == 0;
    if (!ok) {
        int e = errno;
        fclose(f);
        unlink(tmp);
        return fail(err, path, "write failed: %s", strerror(e));
    }
    if (fclose(f) != 0) {
        int e = errno;
        unlink(tmp);
        return fail(err, path, "write failed: %s", strerror(e));
    }
    if (rename(tmp, path) != 0) {
        int e = errno;
        unlink(tmp);
        return fail(err, path, "cannot rename the temporary file into place: %s", strerror(e));
    }
    return 0;
}

/* ======================================================================== */
/* @@8 kernels                                                              */
/* ======================================================================== */

/* Three kernels do all the arithmetic of training and prediction.  Every
 * matrix is row-major with rows padded to a multiple of NN_PAD floats; the
 * padding is zero in weights and activations, so the SIMD loops run over
 * whole vectors with no tails.  Each kernel has a plain reference version
 * (k_*_ref) that the tests compare the fast one against.
 *
 * Determinism: every output element is computed by the same sequence of
 * operations whichever tile or thread computes it, so results do not depend
 * on how rows are split between threads. */

/* The reference kernels are called by the tests when SIMD kernels exist. */
#if defined(__GNUC__)
#define NN_MAYBE_UNUSED __attribute__((unused))
#else
#define NN_MAYBE_UNUSED
#endif

/* Z[b][j] = bias[j] + sum_i W[j][i] * X[b][i]  for b < m, j0 <= j < j1.
 * X (m, n), W (*, n), Z (m, ldz); n is the padded input length. */
NN_MAYBE_UNUSED static void k_forward_ref(const float *X, size_t m, const float *W, const float *bias, size_t n,
                          size_t j0, size_t j1, float *Z, size_t ldz)
{
    for (size_t b = 0; b < m; b++)
        for (size_t j = j0; j < j1; j++) {
            float s = 0;
            for (size_t i = 0; i < n; i++) s += W[j * n + i] * X[b * n + i];
            Z[b * ldz + j] = s + bias[j];
        }
}

/* For rows j0 <= j < j1 and columns i0 <= i < i1 of a weight matrix, the
 * gradient summed over the batch
 *   g[j][i] = sum_b D[b][j] * X[b][i],  gb[j] = sum_b D[b][j],
 * then either (G != NULL) G[j][i] = g, or the SGD step W[j][i] -= c * g.
 * The biases are done only when Gb (gradient) or bias (step) is non-NULL.
 * D (m, ldd), X (m, n), W and G (*, n); i0, i1 multiples of NN_PAD. */
NN_MAYBE_UNUSED static void k_update_ref(const float *D, size_t ldd, size_t m, const float *X, size_t n, size_t i0,
                                         size_t i1, float c, float *W, float *bias, size_t j0, size_t j1, float *G,
                                         float *Gb)
{
    for (size_t j = j0; j < j1; j++) {
        for (size_t i = i0; i < i1; i++) {
            float g = 0;
            for (size_t b = 0; b < m; b++) g += D[b * ldd + j] * X[b * n + i];
            if (G) G[j * n + i] = g;
            else W[j * n + i] -= c * g;
        }
        if (Gb || bias) {
            float gb = 0;
            for (size_t b = 0; b < m; b++) gb += D[b * ldd + j];
            if (NN_FAULT == 3) gb = 0;
            if (Gb) Gb[j] = gb;
            else bias[j] -= c * gb;
        }
    }
}

/* P[b][i] = sum_{j < nout} D[b][j] * W[j][i]  for b < m, i0 <= i < i1.
 * D (m, ldd), W (nout, n), P (m, n); i0 and i1 are multiples of NN_PAD. */
NN_MAYBE_UNUSED static void k_backprop_ref(const float *D, size_t ldd, size_t m, const float *W, size_t n,
                           size_t nout, size_t i0, size_t i1, float *P)
{
    for (size_t b = 0; b < m; b++)
        for (size_t i = i0; i < i1; i++) {
            float s = 0;
            for (size_t j = 0; j < nout; j++) s += D[b * ldd + j] * W[j * n + i];
            P[b * n + i] = s;
        }
}

#if NN_VW > 1

#if defined(__GNUC__)
#define NN_INLINE static inline __attribute__((always_inline))
#else
#define NN_INLINE static inline
#endif

#if NN_VW == 16
typedef __m512 vec;
#define V_LOAD(p) _mm512_load_ps(p)
#define V_STORE(p, v) _mm512_store_ps(p, v)
#define V_SET1(x) _mm512_set1_ps(x)
#define V_ZERO() _mm512_setzero_ps()
#define V_FMA(a, b, c) _mm512_fmadd_ps(a, b, c)  /* a*b + c */
#define V_FNMA(a, b, c) _mm512_fnmadd_ps(a, b, c) /* c - a*b */
NN_INLINE float v_hsum(vec v) { return _mm512_reduce_add_ps(v); }
#else
typedef __m256 vec;
#define V_LOAD(p) _mm256_load_ps(p)
#define V_STORE(p, v) _mm256_store_ps(p, v)
#define V_SET1(x) _mm256_set1_ps(x)
#define V_ZERO() _mm256_setzero_ps()
#define V_FMA(a, b, c) _mm256_fmadd_ps(a, b, c)
#define V_FNMA(a, b, c) _mm256_fnmadd_ps(a, b, c)
NN_INLINE float v_hsum(vec v)
{
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}
#endif

/* One rj x rb tile of k_forward: rows j..j+rj of W against rows b..b+rb of
 * X.  rj, rb <= 4 are compile-time constants at every call. */
NN_INLINE void fwd_tile(int rj, int rb, const float *X, const float *W, const float *bias, size_t n,
                        float *Z, size_t ldz)
{
    vec acc[4][4];
    for (int r = 0; r < rj; r++)
        for (int q = 0; q < rb; q++) acc[r][q] = V_ZERO();
    for (size_t i = 0; i < n; i += NN_VW) {
        vec x[4];
        for (int q = 0; q < rb; q++) x[q] = V_LOAD(X + q * n + i);
        for (int r = 0; r < rj; r++) {
            vec w = V_LOAD(W + r * n + i);
            for (int q = 0; q < rb; q++) acc[r][q] = V_FMA(w, x[q], acc[r][q]);
        }
    }
    for (int r = 0; r < rj; r++)
        for (int q = 0; q < rb; q++) Z[q * ldz + r] = v_hsum(acc[r][q]) + bias[r];
}

static void k_forward(const float *X, size_t m, const float *W, const float *bias, size_t n,
                      size_t j0, size_t j1, float *Z, size_t ldz)
{
    size_t j = j0, b;
    for (; j + 4 <= j1; j += 4) {
        for (b = 0; b + 4 <= m; b += 4) fwd_tile(4, 4, X + b * n, W + j * n, bias + j, n, Z + b * ldz + j, ldz);
        for (; b < m; b++) fwd_tile(4, 1, X + b * n, W + j * n, bias + j, n, Z + b * ldz + j, ldz);
    }
    for (; j < j1; j++) {
        for (b = 0; b + 4 <= m; b += 4) fwd_tile(1, 4, X + b * n, W + j * n, bias + j, n, Z + b * ldz + j, ldz);
        for (; b < m; b++) fwd_tile(1, 1, X + b * n, W + j * n, bias + j, n, Z + b * ldz + j, ldz);
    }
}

/* rj rows of k_update starting at row j. */
NN_INLINE void upd_tile(int rj, const float *D, size_t ldd, size_t m, const float *X, size_t n, size_t i0, size_t i1,
                        float c, float *W, size_t j, float *G)
{
    vec vc = V_SET1(c);
    for (size_t i = i0; i < i1; i += NN_VW) {
        vec acc[4];
        for (int r = 0; r < rj; r++) acc[r] = V_ZERO();
        for (size_t b = 0; b < m; b++) {
            vec x = V_LOAD(X + b * n + i);
            for (int r = 0; r < rj; r++) acc[r] = V_FMA(V_SET1(D[b * ldd + j + r]), x, acc[r]);
        }
        for (int r = 0; r < rj; r++) {
            size_t o = (j + r) * n + i;
            if (G) V_STORE(G + o, acc[r]);
            else V_STORE(W + o, V_FNMA(vc, acc[r], V_LOAD(W + o)));
        }
    }
}

static void k_update(const float *D, size_t ldd, size_t m, const float *X, size_t n, size_t i0, size_t i1, float c,
                     float *W, float *bias, size_t j0, size_t j1, float *G, float *Gb)
{
    size_t j = j0;
    for (; j + 4 <= j1; j += 4) upd_tile(4, D, ldd, m, X, n, i0, i1, c, W, j, G);
    for (; j < j1; j++) upd_tile(1, D, ldd, m, X, n, i0, i1, c, W, j, G);
    if (Gb || bias)
        for (j = j0; j < j1; j++) {
            float gb = 0;
            for (size_t b = 0; b < m; b++) gb += D[b * ldd + j];
            if (NN_FAULT == 3) gb = 0;
            if (Gb) Gb[j] = gb;
            else bias[j] -= c * gb;
        }
}

/* rb rows of k_backprop starting at row b. */
NN_INLINE void bp_tile(int rb, const float *D, size_t ldd, const float *W, size_t n, size_t nout,
                       size_t i0, size_t i1, float *P)
{
    for (size_t i = i0; i < i1; i += NN_VW) {
        vec acc[4];
        for (int q = 0; q < rb; q++) acc[q] = V_ZERO();
        for (size_t j = 0; j < nout; j++) {
            vec w = V_LOAD(W + j * n + i);
            for (int q = 0; q < rb; q++) acc[q] = V_FMA(V_SET1(D[q * ldd + j]), w, acc[q]);
        }
        for (int q = 0; q < rb; q++) V_STORE(P + q * n + i, acc[q]);
    }
}

static void k_backprop(const float *D, size_t ldd, size_t m, const float *W, size_t n, size_t nout,
                       size_t i0, size_t i1, float *P)
{
    size_t b = 0;
    for (; b + 4 <= m; b += 4) bp_tile(4, D + b * ldd, ldd, W, n, nout, i0, i1, P + b * n);
    for (; b < m; b++) bp_tile(1, D + b * ldd, ldd, W, n, nout, i0, i1, P + b * n);
}

#else /* no SIMD: the reference kernels are the kernels */
#define k_forward k_forward_ref
#define k_update k_update_ref
#define k_backprop k_backprop_ref
#endif

/* ======================================================================== */
/* @@9 network                                                              */
/* ======================================================================== */

static const char *act_name(int a) { return a == ACT_SIGMOID ? "sigmoid" : "?"; }

static const char *cost_name(int c)
{
    return c == COST_QUADRATIC ? "quadratic" : c == COST_CROSS_ENTROPY ? "cross-entropy" : "?";
}

/* Compute the padded layout of a network whose sizes are set; checks the
 * caps.  Returns 0 or -1 with a message. */
static int net_layout(Net *n, Err *err)
{
    size_t off = 0, real = 0;
    if (n->nl < 2 || n->nl > NN_MAX_LAYERS)
        return fail(err, NULL, "a network needs 2 to %d layer sizes, not %d", NN_MAX_LAYERS, n->nl);
    for (int l = 0; l < n->nl; l++) {
        if (n->size[l] < 1 || n->size[l] > NN_MAX_WIDTH)
            return fail(err, NULL, "layer %d has %zu neurons; allowed is 1 to %d", l + 1, n->size[l], NN_MAX_WIDTH);
        n->ld[l] = round_up(n->size[l], NN_PAD);
    }
    for (int l = 1; l < n->nl; l++) {
        size_t w, wr; /* sizes are <= 2^16, so these products cannot overflow */
        w = n->size[l] * n->ld[l - 1];
        wr = n->size[l] * n->size[l - 1] + n->size[l];
        real += wr;
        if (real > NN_MAX_PARAMS)
            return fail(err, NULL, "the network has more than %d weights and biases (the limit)", NN_MAX_PARAMS);
        n->woff[l] = off;
        off += w;
        n->boff[l] = off;
        off += n->ld[l];
    }
    n->nparam = off;
    return 0;
}

/* Number of real (unpadded) weights and biases. */
static size_t net_count(const Net *n)
{
    size_t t = 0;
    for (int l = 1; l < n->nl; l++) t += n->size[l] * n->size[l - 1] + n->size[l];
    return t;
}

/* Classes a network tells apart: one per output neuron, or two for a
 * single output neuron (a binary classifier whose output is P(label 1)). */
static size_t net_classes(const Net *n) { return n->size[n->nl - 1] == 1 ? 2 : n->size[n->nl - 1]; }

/* Parse a layer spec "784-30-10" into n->size / n->nl and lay it out.
 * Every part must be a positive decimal integer. */
static int parse_layers(const char *spec, Net *n, Err *err)
{
    const char *p = spec;
    int k = 0;
    memset(n, 0, sizeof *n);
    if (!spec || !*spec) return fail(err, NULL, "empty layer spec; expected sizes like 784-30-10");
    for (;;) {
        const char *q = p;
        size_t v = 0;
        while (*q >= '0' && *q <= '9') {
            if (v <= NN_MAX_WIDTH) v = v * 10 + (size_t)(*q - '0');
            q++;
        }
        if (q == p) {
            if (*p == '-' || *p == 0)
                return fail(err, NULL, "layer spec '%s': empty size at part %d (expected sizes like 784-30-10)", spec, k + 1);
            return fail(err, NULL, "layer spec '%s': part %d is not a positive whole number", spec, k + 1);
        }
        if (*q != '-' && *q != 0)
            return fail(err, NULL, "layer spec '%s': unexpected '%c' in part %d", spec, *q, k + 1);
        if (v == 0) return fail(err, NULL, "layer spec '%s': part %d is zero; every layer needs at least 1 neuron", spec, k + 1);
        if (v > NN_MAX_WIDTH)
            return fail(err, NULL, "layer spec '%s': part %d is larger than the limit of %d neurons", spec, k + 1, NN_MAX_WIDTH);
        if (k == NN_MAX_LAYERS)
            return fail(err, NULL, "layer spec '%s': more than %d layers", spec, NN_MAX_LAYERS);
        n->size[k++] = v;
        if (*q == 0) break;
        p = q + 1;
    }
    if (k < 2) return fail(err, NULL, "layer spec '%s': need at least an input and an output size, like 784-30-10", spec);
    n->nl = k;
    for (int l = 1; l < k; l++) n->act[l] = ACT_SIGMOID;
    n->cost = COST_QUADRATIC;
    if (net_layout(n, err)) return fail(err, NULL, "layer spec '%s': %s", spec, err->msg);
    return 0;
}

/* Allocate the parameter block (zeroed). */
static int net_alloc(Net *n, Err *err)
{
    n->param = alloc_floats(n->nparam);
    if (!n->param) return fail(err, NULL, "out of memory for %zu parameters", n->nparam);
    return 0;
}

/* The textbook initialisation: every weight and bias from N(0, 1). */
static void net_init_normal(Net *n, Rng *r)
{
    for (int l = 1; l < n->nl; l++) {
        float *w = NET_W(n, l), *b = NET_B(n, l);
        for (size_t j = 0; j < n->size[l]; j++)
            for (size_t i = 0; i < n->size[l - 1]; i++) w[j * n->ld[l - 1] + i] = (float)rng_normal(r);
        for (size_t j = 0; j < n->size[l]; j++) b[j] = (float)rng_normal(r);
    }
}

/* a = f(z) in place for rows b < m, columns j0 <= j < j1 of A (m, lda). */
static void activate(float *A, size_t m, size_t lda, size_t j0, size_t j1, int act)
{
    (void)act; /* sigmoid is the one activation of format 1 */
    for (size_t b = 0; b < m; b++)
        for (size_t j = j0; j < j1; j++) {
            float *a = A + b * lda + j;
            *a = 1.0f / (1.0f + expf(-*a));
        }
}

/* f'(z) expressed through a = f(z). */
static float act_deriv(float a, int act)
{
    (void)act;
    if (NN_FAULT == 1) return 1.0f;
    return a * (1.0f - a);
}

/* ======================================================================== */
/* @@10 threads                                                             */
/* ======================================================================== */

/* A sense-counting spin barrier: cheap enough for several crossings per
 * mini-batch.  Spins briefly, then yields, so oversubscribed machines still
 * make progress. */
typedef struct {
    atomic_uint count, gen;
    unsigned n;
} Barrier;

static void barrier_init(Barrier *b, unsigned n)
{
    atomic_init(&b->count, 0);
    atomic_init(&b->gen, 0);
    b->n = n;
}

static void barrier_wait(Barrier *b)
{
    unsigned gen;
    if (b->n <= 1) return;
    gen = atomic_load_explicit(&b->gen, memory_order_acquire);
    if (atomic_fetch_add_explicit(&b->count, 1, memory_order_acq_rel) + 1 == b->n) {
        atomic_store_explicit(&b->count, 0, memory_order_relaxed);
        atomic_store_explicit(&b->gen, gen + 1, memory_order_release);
        return;
    }
    for (unsigned spin = 0; atomic_load_explicit(&b->gen, memory_order_acquire) == gen; spin++)
        if (spin > 50000) sched_yield();
}

typedef void (*JobFn)(void *arg, int tid, int nt);

/* Threads are created once per run and kept; pool_run runs fn on every
 * thread (the caller is thread 0) and returns when all have finished.
 * Between jobs the workers sleep on a condition variable. */
typedef struct Pool {
    int nt;
    pthread_t th[NN_MAX_THREADS];
    pthread_mutex_t mu;
    pthread_cond_t cv;
    unsigned long gen;
    int quit;
    JobFn fn;
    void *arg;
    Barrier done; /* end of a job */
    Barrier bar;  /* for use inside jobs */
} Pool;

typedef struct {
    Pool *pool;
    int tid;
} WorkerArg;

static void *pool_worker(void *p)
{
    WorkerArg *wa = p;
    Pool *pl = wa->pool;
    int tid = wa->tid;
    unsigned long seen = 0;
    free(wa);
    for (;;) {
        JobFn fn;
        void *arg;
        pthread_mutex_lock(&pl->mu);
        while (pl->gen == seen && !pl->quit) pthread_cond_wait(&pl->cv, &pl->mu);
        if (pl->quit) {
            pthread_mutex_unlock(&pl->mu);
            return NULL;
        }
        seen = pl->gen, fn = pl->fn, arg = pl->arg;
        pthread_mutex_unlock(&pl->mu);
        fn(arg, tid, pl->nt);
        barrier_wait(&pl->done);
    }
}

/* Start nt - 1 workers.  On failure runs with the threads it got. */
static Pool *pool_new(int nt)
{
    Pool *pl = calloc(1, sizeof *pl);
    if (!pl) return NULL;
    pthread_mutex_init(&pl->mu, NULL);
    pthread_cond_init(&pl->cv, NULL);
    pl->nt = 1;
    for (int t = 1; t < nt; t++) {
        WorkerArg *wa = malloc(sizeof *wa);
        if (!wa) break;
        wa->pool = pl, wa->tid = t;
        if (pthread_create(&pl->th[t], NULL, pool_worker, wa)) {
            free(wa);
            break;
        }
        pl->nt++;
    }
    barrier_init(&pl->done, (unsigned)pl->nt);
    barrier_init(&pl->bar, (unsigned)pl->nt);
    return pl;
}

static void pool_run(Pool *pl, JobFn fn, void *arg)
{
    pthread_mutex_lock(&pl->mu);
    pl->fn = fn, pl->arg = arg, pl->gen++;
    pthread_cond_broadcast(&pl->cv);
    pthread_mutex_unlock(&pl->mu);
    fn(arg, 0, pl->nt);
    barrier_wait(&pl->done);
}

static void pool_free(Pool *pl)
{
    if (!pl) return;
    pthread_mutex_lock(&pl->mu);
    pl->quit = 1;
    pthread_cond_broadcast(&pl->cv);
    pthread_mutex_unlock(&pl->mu);
    for (int t = 1; t < pl->nt; t++) pthread_join(pl->th[t], NULL);
    pthread_mutex_destroy(&pl->mu);
    pthread_cond_destroy(&pl->cv);
    free(pl);
}

/* Split n neurons (padded to ld) between nt threads in whole NN_PAD chunks:
 * thread t owns [*lo, *hi) of the padded row; the real neurons are those
 * below n. */
static void split_range(size_t ld, int nt, int t, size_t *lo, size_t *hi)
{
    size_t chunks = ld / NN_PAD, per = chunks / (size_t)nt, extra = chunks % (size_t)nt;
    size_t a = (size_t)t * per + ((size_t)t < extra ? (size_t)t : extra);
    size_t cnt = per + ((size_t)t < extra);
    *lo = a * NN_PAD, *hi = (a + cnt) * NN_PAD;
}

/* ======================================================================== */
/* @@11 forward, backward, training step                                    */
/* ======================================================================== */

/* Copy rows rows[0..m) of the data set into X (m, ld) as floats, scaled by
 * inv (= 1 / the model's input divisor); padding columns stay zero. */
static void gather(const Data *d, const size_t *rows, size_t m, float inv, float *X, size_t ld)
{
    for (size_t b = 0; b < m; b++) {
        float *x = X + b * ld;
        size_t r = rows ? rows[b] : b;
        if (d->x8) {
            const uint8_t *s = d->x8 + r * d->d;
            for (size_t i = 0; i < d->d; i++) x[i] = (float)s[i] * inv;
        } else {
            const float *s = d->xf + r * d->d;
            for (size_t i = 0; i < d->d; i++) x[i] = s[i] * inv;
        }
    }
}

/* Everything one training run shares between threads.
 *
 * How the work is split (each weight has exactly one writer, and every
 * number is computed by the same operations whatever the thread count, so
 * a seed gives a byte-identical model with any --threads):
 *   - thread t owns a slice of the neurons of every layer (whole NN_PAD
 *     chunks, split_range);
 *   - forward: t computes its neurons of each hidden layer for the whole
 *     batch; a barrier follows each hidden layer;
 *   - the output layer, when small (a classifier's usually is), is
 *     replicated: every thread keeps a bit-identical copy of W(L), B(L),
 *     computes the whole output layer and its error, and updates its whole
 *     copy, so no barrier is needed there.  A large output layer is split
 *     like a hidden one, with a barrier after its forward pass and one after
 *     its error;
 *   - backward: t computes the deltas of its own neurons of layer l, which
 *     needs only the columns of W(l+1) that belong to those neurons, then
 *     updates exactly those columns; W(1) is updated by rows (t's neurons of
 *     layer 1).  A barrier follows each delta that a lower layer needs.
 * One hidden layer and a small output: one barrier per mini-batch.  Shared
 * activation and delta buffers are double-buffered by batch parity so a
 * thread may start the next batch while another finishes this one. */
typedef struct {
    Net *net;
    const Data *data;
    const size_t *order; /* (count) example indices in this epoch's order */
    size_t count, batch;
    float eta, inv;
    int rep;             /* the output layer is replicated per thread */
    float *xb[NN_MAX_THREADS];                         /* (batch, ld[0]) inputs, per thread */
    float *out[NN_MAX_THREADS], *dout[NN_MAX_THREADS]; /* (batch, ld[L]) output, error (rep) */
    float *wl[NN_MAX_THREADS];  /* (size[L], ld[L-1]) then (ld[L]): W(L), B(L) replica (rep) */
    float *act[2][NN_MAX_LAYERS], *dlt[2][NN_MAX_LAYERS]; /* (batch, ld[l]) shared */
    double *cterm[2];  /* (batch, ld[L]) cost terms of a split output layer */
    float *grad;       /* gradient mode: (nparam), sums written instead of a step */
    Barrier *bar;
    double cost_sum;   /* summed by thread 0, in (row, neuron) order */
} Trainer;

/* The output error dC/dz for output neurons k0 <= k < k1 of rows[0..m):
 * a, d (m, ld); the cost of each (row, neuron) goes to ct (m, ld) unless
 * ct is NULL. */
static void output_error(const Net *N, const float *a, size_t m, size_t ld, size_t k0, size_t k1, const int32_t *y,
                         const size_t *rows, float *d, double *ct)
{
    int L = N->nl - 1;
    for (size_t b = 0; b < m; b++) {
        int32_t lab = y[rows ? rows[b] : b];
        for (size_t k = k0; k < k1; k++) {
            /* one-hot targets; a single output neuron is P(label 1) */
            int hit = N->size[L] == 1 ? lab == 1 : (int32_t)k == lab;
            float av = a[b * ld + k], t = hit ? 1.0f : 0.0f, e = NN_FAULT == 2 ? t - av : av - t;
            if (N->cost == COST_CROSS_ENTROPY) {
                double p = t > 0 ? av : 1.0 - av;
                d[b * ld + k] = e;
                if (ct) ct[b * ld + k] = p > 0 ? -log(p) : 745.0; /* -log(DBL_TRUE_MIN): nan_to_num's bound */
            } else {
                d[b * ld + k] = e * act_deriv(av, N->act[L]);
                if (ct) ct[b * ld + k] = 0.5 * (double)e * e;
            }
        }
    }
}

/* One mini-batch rows[0..m) on thread tid of nt: forward, backward and the
 * SGD step for the weights this thread owns; `par` picks the buffer set. */
static void train_step(Trainer *T, int tid, int nt, const size_t *rows, size_t m, int par)
{
    Net *N = T->net;
    int L = N->nl - 1, rep = T->rep;
    const float *in = T->xb[tid];
    size_t lo, hi, ldL = N->ld[L], nL = N->size[L];
    float c = T->eta / (float)m, *G = T->grad;
    float *WL = rep ? T->wl[tid] : NET_W(N, L), *BL = rep ? T->wl[tid] + N->boff[L] - N->woff[L] : NET_B(N, L);
    float *aL = rep ? T->out[tid] : T->act[par][L], *dL = rep ? T->dout[tid] : T->dlt[par][L];
    double *ct = T->cterm[par];

    gather(T->data, rows, m, T->inv, T->xb[tid], N->ld[0]);
    for (int l = 1; l < L; l++) { /* hidden layers: own neurons */
        float *a = T->act[par][l];
        split_range(N->ld[l], nt, tid, &lo, &hi);
        if (hi > N->size[l]) hi = N->size[l];
        if (lo < hi) {
            k_forward(in, m, NET_W(N, l), NET_B(N, l), N->ld[l - 1], lo, hi, a, N->ld[l]);
            activate(a, m, N->ld[l], lo, hi, N->act[l]);
        }
        barrier_wait(T->bar);
        in = a;
    }
    lo = 0, hi = nL; /* output layer: all of it, or own neurons */
    if (!rep) {
        split_range(ldL, nt, tid, &lo, &hi);
        if (hi > nL) hi = nL;
    }
    if (lo < hi) {
        k_forward(in, m, WL, BL, N->ld[L - 1], lo, hi, aL, ldL);
        activate(aL, m, ldL, lo, hi, N->act[L]);
        output_error(N, aL, m, ldL, lo, hi, T->data->y, rows, dL, tid == 0 || !rep ? ct : NULL);
    }
    if (!rep) barrier_wait(T->bar); /* every output read W(L), and all of dL is known */
    if (tid == 0)
        for (size_t b = 0; b < m; b++)
            for (size_t k = 0; k < nL; k++) T->cost_sum += ct[b * ldL + k];
    for (int l = L - 1; l >= 0; l--) { /* deltas of layer l, step of layer l+1 */
        const float *dn = l + 1 == L ? dL : T->dlt[par][l + 1];
        const float *a = l ? T->act[par][l] : T->xb[tid];
        float *W = l + 1 == L ? WL : NET_W(N, l + 1), *B = l + 1 == L ? BL : NET_B(N, l + 1);
        size_t ld = N->ld[l], ldn = N->ld[l + 1], nn = N->size[l + 1];
        float *Gw = G ? G + N->woff[l + 1] : NULL, *Gb = G ? G + N->boff[l + 1] : NULL;
        int mine = !(rep && l + 1 == L && tid > 0); /* a replica's step is not the model's */
        if (l == 0) { /* W(1) by rows: this thread's neurons of layer 1 */
            split_range(ldn, nt, tid, &lo, &hi);
            if (hi > nn) hi = nn;
            if (rep && L == 1) lo = 0, hi = nn; /* a replicated single layer */
            if (lo < hi && (mine || !G))
                k_update(dn, ldn, m, a, ld, 0, ld, c, W, G ? NULL : B, lo, hi, mine ? Gw : NULL, mine ? Gb : NULL);
            break;
        }
        split_range(ld, nt, tid, &lo, &hi);
        if (lo < hi) {
            float *d = T->dlt[par][l];
            size_t h = hi > N->size[l] ? N->size[l] : hi;
            k_backprop(dn, ldn, m, W, ld, nn, lo, hi, d);
            for (size_t b = 0; b < m; b++)
                for (size_t j = lo; j < h; j++) d[b * ld + j] *= (NN_FAULT == 4 ? -1 : 1) * act_deriv(a[b * ld + j], N->act[l]);
        }
        if (rep && l + 1 == L) { /* the whole replica, after its columns were read above */
            if (mine || !G) k_update(dn, ldn, m, a, ld, 0, ld, c, W, G ? NULL : B, 0, nn, mine ? Gw : NULL, mine ? Gb : NULL);
        } else {
            if (lo < hi) k_update(dn, ldn, m, a, ld, lo, hi, c, W, NULL, 0, nn, Gw, NULL);
            if (tid == 0) k_update(dn, ldn, m, a, ld, 0, 0, c, NULL, G ? NULL : B, 0, nn, NULL, Gb);
        }
        if (l > 1) barrier_wait(T->bar); /* all of delta(l) is needed below */
    }
}

/* Ask for rows rows[0..m) of the data set to be brought into cache: the
 * rows of a shuffled mini-batch are scattered over the whole data set, and
 * fetching the next batch's while this one computes hides the misses. */
static void prefetch_rows(const Data *d, const size_t *rows, size_t m)
{
#if defined(__GNUC__)
    size_t bytes = d->d * (d->x8 ? 1 : sizeof(float));
    for (size_t b = 0; b < m; b++) {
        const char *p = d->x8 ? (const char *)(d->x8 + rows[b] * d->d) : (const char *)(d->xf + rows[b] * d->d);
        for (size_t o = 0; o < bytes; o += 64) __builtin_prefetch(p + o);
    }
#else
    (void)d, (void)rows, (void)m;
#endif
}

/* Pool job: one epoch over T->order in mini-batches. */
static void train_epoch_job(void *arg, int tid, int nt)
{
    Trainer *T = arg;
    size_t s, nb = 0;
    for (s = 0; s < T->count; s += T->batch, nb++) {
        size_t m = T->count - s < T->batch ? T->count - s : T->batch, next = s + 2 * T->batch;
        if (next < T->count)
            prefetch_rows(T->data, T->order + next, T->count - next < T->batch ? T->count - next : T->batch);
        train_step(T, tid, nt, T->order + s, m, (int)(nb & 1));
    }
}

/* Allocate a trainer's buffers for mini-batches of `batch` and nt threads. */
static int trainer_init(Trainer *T, Net *N, size_t batch, int nt, Barrier *bar, Err *err)
{
    int L = N->nl - 1;
    size_t wl = N->boff[L] + N->ld[L] - N->woff[L], wall = 0;
    memset(T, 0, sizeof *T);
    T->net = N, T->batch = batch, T->bar = bar;
    for (int l = 1; l <= L; l++) wall += N->size[l] * N->size[l - 1];
    /* replicate the output layer when that costs at most a quarter more work */
    T->rep = nt == 1 || N->size[L] * N->size[L - 1] * 4 <= wall;
    for (int t = 0; t < nt; t++) {
        if (!(T->xb[t] = alloc_floats(batch * N->ld[0]))) goto oom;
        if (T->rep && (!(T->out[t] = alloc_floats(batch * N->ld[L])) || !(T->dout[t] = alloc_floats(batch * N->ld[L]))))
            goto oom;
        if (T->rep && !(T->wl[t] = t ? alloc_floats(wl) : NET_W(N, L))) goto oom;
    }
    for (int p = 0; p < 2; p++) {
        for (int l = 1; l <= L; l++)
            if (!(T->act[p][l] = alloc_floats(batch * N->ld[l])) || !(T->dlt[p][l] = alloc_floats(batch * N->ld[l])))
                goto oom;
        if (!(T->cterm[p] = alloc_array(batch * N->ld[L], sizeof(double)))) goto oom;
    }
    return 0;
oom:
    return fail(err, NULL, "out of memory for the mini-batch buffers");
}

/* Make every thread's replica of the output layer equal to the model's. */
static void trainer_sync(Trainer *T)
{
    const Net *N = T->net;
    int L = N->nl - 1;
    for (int t = 1; t < NN_MAX_THREADS; t++)
        if (T->wl[t]) memcpy(T->wl[t], NET_W(N, L), (N->boff[L] + N->ld[L] - N->woff[L]) * sizeof(float));
}

static void trainer_free(Trainer *T)
{
    for (int t = 0; t < NN_MAX_THREADS; t++) {
        free(T->xb[t]), free(T->out[t]), free(T->dout[t]);
        if (t) free(T->wl[t]);
    }
    for (int p = 0; p < 2; p++) {
        for (int l = 0; l < NN_MAX_LAYERS; l++) free(T->act[p][l]), free(T->dlt[p][l]);
        free(T->cterm[p]);
    }
}

/* Forward m <= NN_CHUNK rows held in s0 (m, ld[0]) -- scaled, padding zero
 * -- through the whole network on one thread; s0 and s1 (NN_CHUNK, maxld)
 * are scratch.  Row b's output activations go to out + b * size[L] when out
 * != NULL, its arg-max label to pred[b] when pred != NULL. */
#define NN_CHUNK 64
static void forward_chunk(const Net *N, size_t m, float *s0, float *s1, float *out, int32_t *pred)
{
    int L = N->nl - 1;
    float *in = s0, *o = s1;
    for (int l = 1; l <= L; l++) {
        k_forward(in, m, NET_W(N, l), NET_B(N, l), N->ld[l - 1], 0, N->size[l], o, N->ld[l]);
        activate(o, m, N->ld[l], 0, N->size[l], N->act[l]);
        for (size_t b = 0; b < m; b++) /* the next layer reads the padding */
            memset(o + b * N->ld[l] + N->size[l], 0, (N->ld[l] - N->size[l]) * sizeof(float));
        in = o, o = (o == s1) ? s0 : s1;
    }
    for (size_t b = 0; b < m; b++) {
        const float *a = in + b * N->ld[L];
        size_t best = 0;
        for (size_t k = 1; k < N->size[L]; k++)
            if (a[k] > a[best]) best = k;
        if (N->size[L] == 1) best = a[0] > 0.5f; /* binary: P(label 1) */
        if (pred) pred[b] = (int32_t)best;
        if (out) memcpy(out + b * N->size[L], a, N->size[L] * sizeof(float));
    }
}

/* Forward rows [r0, r1) of a data set, NN_CHUNK at a time; results as in
 * forward_chunk, indexed by row. */
static void forward_rows(const Net *N, const Data *d, size_t r0, size_t r1, float inv, float *s0, float *s1,
                         float *out, int32_t *pred)
{
    for (size_t r = r0; r < r1; r += NN_CHUNK) {
        size_t m = r1 - r < NN_CHUNK ? r1 - r : NN_CHUNK, rows[NN_CHUNK];
        for (size_t b = 0; b < m; b++) {
            rows[b] = r + b;
            memset(s0 + b * N->ld[0] + N->size[0], 0, (N->ld[0] - N->size[0]) * sizeof(float));
        }
        gather(d, rows, m, inv, s0, N->ld[0]);
        forward_chunk(N, m, s0, s1, out ? out + r * N->size[N->nl - 1] : NULL, pred ? pred + r : NULL);
    }
}

/* Pool job: forward every row of a data set, rows split between threads
 * (each row's result is independent of the split). */
typedef struct {
    const Net *net;
    const Data *data;
    float inv;
    float *scratch[NN_MAX_THREADS][2];
    float *out;
    int32_t *pred;
} Infer;

static void infer_job(void *arg, int tid, int nt)
{
    Infer *I = arg;
    size_t n = I->data->n, r0 = n * (size_t)tid / (size_t)nt, r1 = n * (size_t)(tid + 1) / (size_t)nt;
    forward_rows(I->net, I->data, r0, r1, I->inv, I->scratch[tid][0], I->scratch[tid][1], I->out, I->pred);
}

static int infer_init(Infer *I, const Net *N, int nt, Err *err)
{
    size_t maxld = 0;
    memset(I, 0, sizeof *I);
    I->net = N;
    for (int l = 0; l < N->nl; l++)
        if (N->ld[l] > maxld) maxld = N->ld[l];
    for (int t = 0; t < nt; t++)
        for (int k = 0; k < 2; k++)
            if (!(I->scratch[t][k] = alloc_floats(NN_CHUNK * maxld)))
                return fail(err, NULL, "out of memory for prediction buffers");
    return 0;
}

static void infer_free(Infer *I)
{
    for (int t = 0; t < NN_MAX_THREADS; t++) free(I->scratch[t][0]), free(I->scratch[t][1]);
}

/* Run the network over all of d; fills pred (n) and/or out (n, size[L]). */
static void infer_all(Pool *pl, Infer *I, const Data *d, float inv, float *out, int32_t *pred)
{
    I->data = d, I->inv = inv, I->out = out, I->pred = pred;
    pool_run(pl, infer_job, I);
}

/* ======================================================================== */
/* @@12 model file                                                          */
/* ======================================================================== */

/* Format notes: the nn model file, format version 1.  All integers are
 * unsigned little-endian, floats are IEEE-754 binary32 little-endian, each
 * written byte by byte (never a struct).
 *
 *   offset  size     field
 *   0       8        magic 89 4E 4E 4D 0D 0A 1A 0A ("\x89NNM\r\n\x1a\n")
 *   8       4        format version (1)
 *   12      4        K, number of layer sizes, input included (2..16)
 *   16      4K       layer sizes, input first (1..65536 each)
 *   ..      4(K-1)   activation of layers 1..K-1 (1 = sigmoid)
 *   ..      4        cost (1 = quadratic, 2 = cross-entropy)
 *   ..      4        input divisor (f32 > 0): features are divided by it
 *   ..      4        eta (f32)      \
 *   ..      4        batch size      |  the training settings, for
 *   ..      4        epochs asked    |  `nn info`
 *   ..      4        epochs done     |
 *   ..      8        seed (u64)     /
 *   ..      ...      for each layer l = 1..K-1: weights (size[l] x size[l-1],
 *                    row-major, row j = the weights into neuron j), then
 *                    biases (size[l]), all f32
 *   end-4   4        CRC-32 (IEEE, as gzip) of every byte before it
 *
 * A loader checks the magic, the version, the CRC, every field's range, that
 * every number is finite, and that the length is exactly what the sizes say. */

#define MODEL_MAGIC "\x89NNM\r\n\x1a\n"
#define MODEL_VERSION 1u

/* Bytes of the header for K layer sizes. */
static size_t model_header_len(int K) { return 8 + 4 + 4 + 4 * (size_t)K + 4 * (size_t)(K - 1) + 4 + 4 + 4 + 4 + 4 + 4 + 8; }

/* Encode a model into a malloc'd buffer; caller frees. */
static uint8_t *model_encode(const Net *N, const Meta *M, size_t *len)
{
    size_t n = model_header_len(N->nl) + 4 * net_count(N) + 4;
    uint8_t *buf = malloc(n), *p = buf;
    if (!buf) return NULL;
    memcpy(p, MODEL_MAGIC, 8), p += 8;
    put_le32(p, MODEL_VERSION), p += 4;
    put_le32(p, (uint32_t)N->nl), p += 4;
    for (int l = 0; l < N->nl; l++) put_le32(p, (uint32_t)N->size[l]), p += 4;
    for (int l = 1; l < N->nl; l++) put_le32(p, (uint32_t)N->act[l]), p += 4;
    put_le32(p, (uint32_t)N->cost), p += 4;
    put_le32(p, f32_bits(M->in_div)), p += 4;
    put_le32(p, f32_bits(M->eta)), p += 4;
    put_le32(p, M->batch), p += 4;
    put_le32(p, M->epochs), p += 4;
    put_le32(p, M->epochs_done), p += 4;
    put_le32(p, (uint32_t)M->seed), p += 4;
    put_le32(p, (uint32_t)(M->seed >> 32)), p += 4;
    for (int l = 1; l < N->nl; l++) {
        const float *w = NET_W(N, l), *b = NET_B(N, l);
        for (size_t j = 0; j < N->size[l]; j++)
            for (size_t i = 0; i < N->size[l - 1]; i++) put_le32(p, f32_bits(w[j * N->ld[l - 1] + i])), p += 4;
        for (size_t j = 0; j < N->size[l]; j++) put_le32(p, f32_bits(b[j])), p += 4;
    }
    put_le32(p, crc32_update(0, buf, (size_t)(p - buf))), p += 4;
    *len = (size_t)(p - buf);
    return buf;
}

static int model_save(const char *path, const Net *N, const Meta *M, Err *err)
{
    size_t len;
    uint8_t *buf = model_encode(N, M, &len);
    int rc;
    if (!buf) return fail(err, path, "out of memory encoding the model");
    rc = write_atomic(path, buf, len, err);
    free(buf);
    return rc;
}

/* Decode a model file image.  On success N owns a new parameter block. */
static int model_decode(const uint8_t *buf, size_t len, const char *name, Net *N, Meta *M, Err *err)
{
    Cursor c = {buf, buf + len};
    uint32_t ver, K, crc;
    size_t expect;
    memset(N, 0, sizeof *N);
    memset(M, 0, sizeof *M);
    if (len < 8 || memcmp(buf, MODEL_MAGIC, 8))
        return fail(err, name, "not an nn model file (bad magic number)");
    if (len < 16) return fail(err, name, "truncated model file (%zu bytes)", len);
    ver = get_le32(buf + 8);
    if (ver != MODEL_VERSION)
        return fail(err, name, "model format version %u; this nn %s reads version %u%s", ver, NN_VERSION,
                    MODEL_VERSION, ver > MODEL_VERSION ? " (written by a newer nn?)" : "");
    if (len < 20) return fail(err, name, "truncated model file (%zu bytes)", len);
    crc = crc32_update(0, buf, len - 4);
    if (crc != get_le32(buf + len - 4))
        return fail(err, name, "checksum mismatch: the model file is corrupted or truncated");
    c.end -= 4;
    c.p += 12;
    K = get_le32(buf + 12);
    c.p += 4;
    if (K < 2 || K > NN_MAX_LAYERS) return fail(err, name, "model has %u layer sizes; allowed is 2 to %d", K, NN_MAX_LAYERS);
    if (!cur_need(&c, model_header_len((int)K) - 16)) return fail(err, name, "truncated model header");
    N->nl = (int)K;
    for (uint32_t l = 0; l < K; l++, c.p += 4) N->size[l] = get_le32(c.p);
    for (uint32_t l = 1; l < K; l++, c.p += 4) {
        N->act[l] = (int)get_le32(c.p);
        if (N->act[l] != ACT_SIGMOID) return fail(err, name, "layer %u has unknown activation id %d", l, N->act[l]);
    }
    N->cost = (int)get_le32(c.p), c.p += 4;
    if (N->cost != COST_QUADRATIC && N->cost != COST_CROSS_ENTROPY) return fail(err, name, "unknown cost id %d", N->cost);
    M->in_div = bits_f32(get_le32(c.p)), c.p += 4;
    if (!isfinite(M->in_div) || !(M->in_div > 0)) return fail(err, name, "input divisor is not a positive number");
    M->eta = bits_f32(get_le32(c.p)), c.p += 4;
    M->batch = get_le32(c.p), c.p += 4;
    M->epochs = get_le32(c.p), c.p += 4;
    M->epochs_done = get_le32(c.p), c.p += 4;
    M->seed = get_le32(c.p) | (uint64_t)get_le32(c.p + 4) << 32, c.p += 8;
    if (net_layout(N, err)) return fail(err, name, "%s", err->msg);
    expect = model_header_len(N->nl) + 4 * net_count(N) + 4;
    if (len != expect)
        return fail(err, name, "model file is %zu bytes; its layer sizes need exactly %zu", len, expect);
    if (net_alloc(N, err)) return fail(err, name, "%s", err->msg);
    for (int l = 1; l < N->nl; l++) {
        float *w = NET_W(N, l), *b = NET_B(N, l);
        size_t cnt = N->size[l] * N->size[l - 1];
        for (size_t k = 0; k < cnt + N->size[l]; k++, c.p += 4) {
            float v = bits_f32(get_le32(c.p));
            if (!isfinite(v)) {
                free(N->param);
                N->param = NULL;
                return fail(err, name, "layer %d has a %s that is not a finite number", l, k < cnt ? "weight" : "bias");
            }
            if (k < cnt) w[k / N->size[l - 1] * N->ld[l - 1] + k % N->size[l - 1]] = v;
            else b[k - cnt] = v;
        }
    }
    return 0;
}

static int model_load(const char *path, Net *N, Meta *M, Err *err)
{
    uint8_t *buf;
    size_t len;
    int rc;
    if (read_all(path, NN_MAX_FILE, &buf, &len, err)) return -1;
    rc = model_decode(buf, len, strcmp(path, "-") ? path : "(stdin)", N, M, err);
    free(buf);
    return rc;
}

/* ======================================================================== */
/* @@13 data loaders                                                        */
/* ======================================================================== */

typedef struct {
    int label_col; /* 0 none, -1 last, k >= 1 the k-th column */
    int header;    /* -1 detect, 0 no, 1 yes */
} CsvOpt;

static void data_free(Data *d)
{
    free(d->own_x);
    free(d->own_y);
    memset(d, 0, sizeof *d);
}

/* Format notes: IDX (the MNIST format).  A big-endian header: two zero
 * bytes, a type byte (0x08 = unsigned byte), the number of dimensions D,
 * then D 32-bit big-endian sizes; then the items, row-major.  Images are
 * rank >= 2 (N items, each the product of the other sizes); labels rank 1.
 * The file length must be exactly header + product of sizes. */

/* Parse an IDX header; on success *dims holds D sizes and *data points at
 * the payload, whose exact length has been checked. */
static int idx_header(const uint8_t *buf, size_t len, const char *name, uint32_t *dims, int *nd,
                      const uint8_t **data, Err *err)
{
    size_t count = 1, need;
    int D;
    if (len < 4) return fail(err, name, "truncated IDX header (%zu bytes)", len);
    if (buf[0] || buf[1]) return fail(err, name, "not an IDX file (bad magic number)");
    if (buf[2] != 0x08)
        return fail(err, name, "IDX element type 0x%02X is not supported (only 0x08, unsigned byte)", buf[2]);
    D = buf[3];
    if (D < 1 || D > 8) return fail(err, name, "IDX file has %d dimensions; allowed is 1 to 8", D);
    if (len < 4 + 4 * (size_t)D) return fail(err, name, "truncated IDX header (%zu bytes for %d dimensions)", len, D);
    for (int k = 0; k < D; k++) {
        dims[k] = get_be32(buf + 4 + 4 * k);
        if (mul_ok(count, dims[k], &count) || count > NN_MAX_FILE)
            return fail(err, name, "IDX dimensions are too large (the limit is %zu items)", NN_MAX_FILE);
    }
    need = 4 + 4 * (size_t)D + count;
    if (len != need)
        return fail(err, name, "IDX header says %zu bytes of data, but the file has %zu (%s)", count,
                    len - (4 + 4 * (size_t)D), len < need ? "truncated" : "trailing bytes");
    *nd = D;
    *data = buf + 4 + 4 * (size_t)D;
    return 0;
}

/* The labels file that goes with an IDX images file: "images" -> "labels"
 * and "idx3" -> "idx1" in the file name, as in train-images-idx3-ubyte.
 * Returns 0 and fills out when such a file exists. */
static int idx_labels_path(const char *images, char *out, size_t cap)
{
    const char *base = strrchr(images, '/');
    char *p;
    struct stat st;
    base = base ? base + 1 : images;
    if (strlen(images) >= cap || !strstr(base, "images")) return -1;
    strcpy(out, images);
    p = strstr(out + (base - images), "images");
    memcpy(p, "labels", 6);
    if ((p = strstr(out + (base - images), "idx3"))) p[3] = '1';
    return stat(out, &st) == 0 && S_ISREG(st.st_mode) ? 0 : -1;
}

/* Load IDX images (buf is adopted by d on success). */
static int load_idx_images(uint8_t *buf, size_t len, const char *name, Data *d, Err *err)
{
    uint32_t dims[8];
    int D;
    const uint8_t *p;
    size_t feat = 1;
    if (idx_header(buf, len, name, dims, &D, &p, err)) return -1;
    if (D < 2) return fail(err, name, "IDX file has 1 dimension; an images file needs 2 or more (is it a labels file?)");
    for (int k = 1; k < D; k++) feat *= dims[k];
    if (feat == 0 || feat > NN_MAX_WIDTH)
        return fail(err, name, "IDX items have %zu values each; allowed is 1 to %d", feat, NN_MAX_WIDTH);
    if (dims[0] > NN_MAX_ROWS) return fail(err, name, "IDX file has %u items; the limit is %d", dims[0], NN_MAX_ROWS);
    if (dims[0] == 0) return fail(err, name, "IDX file has no items");
    d->n = dims[0], d->d = feat, d->x8 = p, d->own_x = buf, d->is_idx8 = 1;
    d->maxabs = 255;
    snprintf(d->name, sizeof d->name, "%s", name);
    return 0;
}

/* Load IDX labels into d->y (rank 1, unsigned bytes). */
static int load_idx_labels(const uint8_t *buf, size_t len, const char *name, Data *d, Err *err)
{
    uint32_t dims[8];
    int D;
    const uint8_t *p;
    if (idx_header(buf, len, name, dims, &D, &p, err)) return -1;
    if (D != 1) return fail(err, name, "IDX labels file must have 1 dimension, not %d", D);
    if (dims[0] != d->n)
        return fail(err, name, "%u labels for %zu images in %s", dims[0], d->n, d->name);
    if (!(d->y = d->own_y = alloc_array(d->n, sizeof(int32_t)))) return fail(err, name, "out of memory");
    d->nclass = 0;
    for (size_t i = 0; i < d->n; i++) {
        d->y[i] = p[i];
        if ((size_t)p[i] + 1 > d->nclass) d->nclass = (size_t)p[i] + 1;
    }
    return 0;
}

/* Format notes: CSV.  One example per line; fields separated by ',', ';' or
 * tab (the most frequent of them on the first line); LF or CRLF line ends;
 * blank lines skipped; spaces around fields ignored; optional header line.
 * Numbers are decimal ([+-]digits[.digits][e[+-]digits]); nan, inf and hex
 * are errors.  The label column, if any, holds a whole number 0..65535. */

static int csv_sep(const char *p, const char *end)
{
    size_t cnt[3] = {0, 0, 0};
    static const char seps[3] = {',', ';', '\t'};
    int best = 0;
    for (; p < end && *p != '\n'; p++)
        for (int k = 0; k < 3; k++) cnt[k] += *p == seps[k];
    for (int k = 1; k < 3; k++)
        if (cnt[k] > cnt[best]) best = k;
    return seps[best];
}

/* Count the fields of the line at p (up to '\n' or end). */
static size_t csv_fields(const char *p, const char *end, int sep)
{
    size_t n = 1;
    for (; p < end && *p != '\n'; p++) n += *p == sep;
    return n;
}

/* What is wrong with a CSV line, for the message. */
typedef struct {
    size_t col;       /* 1-based column */
    const char *text; /* the field */
    size_t len;
    int kind;         /* 1 not a number, 2 wrong field count, 3 bad label, 4 too large for a float */
    size_t nf;        /* fields found (kind 2) */
} CsvBad;

/* Parse the CSV line [p, eol) (no '\n'; a final '\r' is allowed): exactly
 * ncol fields separated by sep; column lc (1-based; 0 = none) is the label,
 * stored in *label; the others go to x[] as (float)value * inv.  Returns 0,
 * or -1 with *bad filled. */
static int csv_row(const char *p, const char *eol, int sep, size_t ncol, size_t lc, float inv, float *x,
                   int32_t *label, CsvBad *bad)
{
    size_t k, j = 0;
    for (k = 0; k < ncol; k++) {
        const char *f = p, *q;
        double v;
        while (p < eol && (*p == ' ' || (*p == '\t' && sep != '\t'))) p++;
        if (scan_number(&p, eol, &v)) {
            bad->kind = 1;
            goto bad_field;
        }
        while (p < eol && (*p == ' ' || (*p == '\t' && sep != '\t') || *p == '\r')) p++;
        if (k + 1 < ncol ? (p >= eol || *p != sep) : p != eol) {
            bad->kind = 1;
            if (p >= eol || *p == sep) { /* a good number, but the line ends or goes on */
                bad->kind = 2, bad->nf = k + 1;
                if (p < eol) for (bad->nf = k + 1; p < eol; p++) bad->nf += *p == sep;
                bad->col = ncol;
                return -1;
            }
            goto bad_field;
        }
        p++;
        if (k + 1 == lc) {
            if (v < 0 || v >= NN_MAX_CLASSES || v != floor(v)) {
                bad->kind = 3;
                goto bad_field;
            }
            *label = (int32_t)v;
        } else {
            float fv = (float)v;
            if (!isfinite(fv)) {
                bad->kind = 4;
                goto bad_field;
            }
            x[j++] = fv * inv;
        }
        continue;
    bad_field:
        for (q = f; q < eol && *q != sep && *q != '\r'; q++) {}
        bad->col = k + 1, bad->text = f, bad->len = (size_t)(q - f);
        return -1;
    }
    return 0;
}

/* The message for a CsvBad. */
static int csv_fail(Err *err, const char *where, const CsvBad *bad, size_t ncol)
{
    int n = (int)(bad->len > 40 ? 40 : bad->len);
    switch (bad->kind) {
    case 2: return fail(err, where, "%zu columns, but the first line has %zu", bad->nf, ncol);
    case 3: return fail(err, where, "column %zu: label '%.*s' is not a whole number from 0 to %d", bad->col, n, bad->text, NN_MAX_CLASSES - 1);
    case 4: return fail(err, where, "column %zu: '%.*s' does not fit in a float", bad->col, n, bad->text);
    default: return fail(err, where, "column %zu: '%.*s' is not a number", bad->col, n, bad->text);
    }
}

/* The layout of a CSV text, from its first non-blank line at *p (advanced
 * past a header line).  *line counts the lines passed. */
typedef struct {
    int sep;
    size_t ncol, lc, d; /* columns, label column (1-based, 0 none), features */
} CsvShape;

static int csv_shape(const char **pp, const char *end, size_t *line, const CsvOpt *o, const char *name, CsvShape *sh,
                     Err *err)
{
    const char *p = *pp, *eol;
    int header = o->header;
    while (p < end && (*p == '\n' || *p == '\r' || *p == ' ' || *p == '\t')) { /* blank lines */
        if (*p == '\n') ++*line;
        p++;
    }
    if (p >= end) return fail(err, name, "empty data file");
    sh->sep = csv_sep(p, end);
    sh->ncol = csv_fields(p, end, sh->sep);
    if (sh->ncol > NN_MAX_WIDTH + 1) return fail(err, name, "%zu columns; the limit is %d", sh->ncol, NN_MAX_WIDTH + 1);
    sh->lc = o->label_col < 0 ? sh->ncol : (size_t)o->label_col;
    if (sh->lc > sh->ncol) {
        char where[600];
        snprintf(where, sizeof where, "%.500s:%zu", name, *line + 1);
        return fail(err, where, "--label-col %zu, but the line has only %zu columns", sh->lc, sh->ncol);
    }
    if (sh->lc && sh->ncol < 2) return fail(err, name, "one column only: nothing left for features beside the label");
    sh->d = sh->ncol - (sh->lc != 0);
    eol = memchr(p, '\n', (size_t)(end - p));
    if (!eol) eol = end;
    if (header < 0) { /* a header is a first line that is not all numbers */
        float *tmp = alloc_array(sh->ncol, sizeof(float));
        int32_t lab;
        CsvBad bad;
        CsvShape any = *sh;
        if (!tmp) return fail(err, name, "out of memory");
        any.lc = 0; /* the label column may hold names in a header */
        header = csv_row(p, eol, sh->sep, any.ncol, any.lc, 1.0f, tmp, &lab, &bad) != 0 && bad.kind != 2;
        free(tmp);
    }
    if (header) {
        p = eol < end ? eol + 1 : end;
        ++*line;
    }
    *pp = p;
    return 0;
}

/* Load a CSV image (buf stays owned by the caller). */
static int load_csv(const uint8_t *ubuf, size_t len, const char *name, const CsvOpt *o, Data *d, Err *err)
{
    const char *buf = (const char *)ubuf, *end = buf + len, *p = buf;
    char where[600];
    size_t lines = 1, line = 0, rows = 0, cells;
    CsvShape sh = {0, 0, 0, 0};
    float *x;
    int32_t *y;
    for (const char *q = buf; q < end; q++) lines += *q == '\n';
    if (csv_shape(&p, end, &line, o, name, &sh, err)) return -1;
    d->d = sh.d;
    if (mul_ok(lines, d->d, &cells) || cells > NN_MAX_FILE)
        return fail(err, name, "too many values (%zu lines of %zu)", lines, d->d);
    x = alloc_array(cells, sizeof(float));
    y = sh.lc ? alloc_array(lines, sizeof(int32_t)) : NULL;
    if (!x || (sh.lc && !y)) {
        free(x), free(y);
        return fail(err, name, "out of memory for %zu values", cells);
    }
    d->maxabs = 0;
    for (; p < end; line++) {
        const char *eol = memchr(p, '\n', (size_t)(end - p)), *q;
        int32_t lab = 0;
        CsvBad bad;
        if (!eol) eol = end;
        for (q = p; q < eol && (*q == ' ' || *q == '\r' || *q == '\t'); q++) {}
        if (q < eol) { /* not a blank line */
            if (csv_row(p, eol, sh.sep, sh.ncol, sh.lc, 1.0f, x + rows * d->d, &lab, &bad)) {
                free(x), free(y);
                snprintf(where, sizeof where, "%.500s:%zu", name, line + 1);
                return csv_fail(err, where, &bad, sh.ncol);
            }
            for (size_t i = 0; i < d->d; i++)
                if (fabsf(x[rows * d->d + i]) > d->maxabs) d->maxabs = fabsf(x[rows * d->d + i]);
            if (y) {
                y[rows] = lab;
                if ((size_t)lab + 1 > d->nclass) d->nclass = (size_t)lab + 1;
            }
            rows++;
        }
        p = eol + 1;
    }
    if (rows == 0) {
        free(x), free(y);
        return fail(err, name, "no data rows");
    }
    d->n = rows, d->xf = x, d->own_x = x, d->y = y, d->own_y = y;
    snprintf(d->name, sizeof d->name, "%s", name);
    return 0;
}

/* Load a data set from `path` (IDX images or CSV, "-" for stdin).  For IDX,
 * labels come from `labels` or the file beside it (when want_labels). */
static int load_data_buf(const char *path, uint8_t *buf, size_t len, const char *labels, const CsvOpt *o,
                         int want_labels, Data *d, Err *err);

static int load_data(const char *path, const char *labels, const CsvOpt *o, int want_labels, Data *d, Err *err)
{
    uint8_t *buf;
    size_t len;
    memset(d, 0, sizeof *d);
    if (read_all(path, NN_MAX_FILE, &buf, &len, err)) return -1;
    return load_data_buf(path, buf, len, labels, o, want_labels, d, err);
}

/* Is this the start of an IDX file? */
static int looks_idx(const uint8_t *b, size_t len) { return len >= 4 && !b[0] && !b[1] && b[2] >= 0x08 && b[2] <= 0x0E; }

static int looks_gzip(const uint8_t *b, size_t len) { return len >= 2 && b[0] == 0x1f && b[1] == 0x8b; }

/* load_data on a file image already read (buf is taken over: kept by d, or
 * freed). */
static int load_data_buf(const char *path, uint8_t *buf, size_t len, const char *labels, const CsvOpt *o,
                         int want_labels, Data *d, Err *err)
{
    const char *name = strcmp(path, "-") ? path : "(stdin)";
    memset(d, 0, sizeof *d);
    if (looks_gzip(buf, len)) {
        free(buf);
        return fail(err, name, "gzip-compressed; unpack it first (gunzip, or scripts/get-data.sh)");
    }
    if (looks_idx(buf, len)) {
        char guess[4096];
        uint8_t *lb;
        size_t llen;
        if (load_idx_images(buf, len, name, d, err)) {
            free(buf);
            return -1;
        }
        if (!want_labels) return 0;
        if (!labels) {
            if (idx_labels_path(path, guess, sizeof guess)) {
                data_free(d);
                return fail(err, name, "IDX images need a labels file: give --labels (or --train-labels/--test-labels)");
            }
            labels = guess;
        }
        if (read_all(labels, NN_MAX_FILE, &lb, &llen, err)) {
            data_free(d);
            return -1;
        }
        if (load_idx_labels(lb, llen, strcmp(labels, "-") ? labels : "(stdin)", d, err)) {
            free(lb);
            data_free(d);
            return -1;
        }
        free(lb);
        return 0;
    }
    if (labels) {
        free(buf);
        return fail(err, name, "a labels file goes with IDX images only; a CSV file holds its labels in a column");
    }
    if (memchr(buf, 0, len)) {
        free(buf);
        return fail(err, name, "binary data, neither IDX nor CSV text");
    }
    if (load_csv(buf, len, name, o, d, err)) {
        free(buf);
        return -1;
    }
    free(buf);
    if (want_labels && !d->y) {
        data_free(d);
        return fail(err, name, "no label column (see --label-col)");
    }
    return 0;
}

/* Move k rows, chosen by a seeded shuffle, of `all` into `held`; `rest`
 * gets the others.  Both copies own their rows; `all` is freed. */
static int data_holdout(Data *all, size_t k, uint64_t seed, Data *rest, Data *held, Err *err)
{
    size_t *idx = alloc_array(all->n, sizeof(size_t)), es = all->x8 ? 1 : sizeof(float);
    Rng r;
    Data *out[2] = {rest, held};
    size_t cnt[2] = {all->n - k, k};
    if (!idx) return fail(err, all->name, "out of memory");
    for (size_t i = 0; i < all->n; i++) idx[i] = i;
    rng_seed(&r, seed ^ 0x686f6c646f7574ULL); /* "holdout": its own stream */
    shuffle(&r, idx, all->n);
    for (int s = 0; s < 2; s++) {
        Data *o = out[s];
        const size_t *src = idx + (s ? cnt[0] : 0);
        uint8_t *x = alloc_array(cnt[s] * all->d, es);
        int32_t *y = alloc_array(cnt[s], sizeof(int32_t));
        memset(o, 0, sizeof *o);
        if (!x || !y) {
            free(x), free(y), free(idx);
            if (s) data_free(rest);
            return fail(err, all->name, "out of memory");
        }
        for (size_t i = 0; i < cnt[s]; i++) {
            const uint8_t *from = all->x8 ? all->x8 + src[i] * all->d : (const uint8_t *)(all->xf + src[i] * all->d);
            memcpy(x + i * all->d * es, from, all->d * es);
            y[i] = all->y[src[i]];
        }
        *o = *all;
        o->n = cnt[s], o->own_x = x, o->own_y = y, o->y = y;
        if (all->x8) o->x8 = x;
        else o->xf = (const float *)x;
        snprintf(o->name, sizeof o->name, "%.400s (%s %zu rows)", all->name, s ? "held-out" : "training", cnt[s]);
    }
    free(idx);
    data_free(all);
    return 0;
}

/* ======================================================================== */
/* @@14 training loop                                                       */
/* ======================================================================== */

typedef struct {
    float eta;
    size_t epochs, batch;
    uint64_t seed;
    int threads, quiet;
} TrainOpt;

typedef struct {
    double final_acc, best_acc;
    size_t best_epoch;
    double seconds;
} TrainResult;

static int all_finite(const float *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isfinite(p[i])) return 0;
    return 1;
}

/* Train N (initialised) on tr for o->epochs epochs, reporting on te after
 * each epoch when te != NULL.  On divergence (a non-finite cost or weight)
 * the parameters of the last good epoch are restored and -1 is returned. */
static int train_run(Net *N, Meta *M, const Data *tr, const Data *te, const TrainOpt *o, Pool *pl, TrainResult *res,
                     Err *err)
{
    Trainer T;
    Infer I;
    Rng rng;
    size_t *order = alloc_array(tr->n, sizeof(size_t));
    int32_t *pred = te ? alloc_array(te->n, sizeof(int32_t)) : NULL;
    float *good = alloc_floats(N->nparam);
    double t0 = now_seconds();
    int rc = 0;
    memset(res, 0, sizeof *res);
    if (!order || (te && !pred) || !good) {
        free(order), free(pred), free(good);
        return fail(err, NULL, "out of memory");
    }
    if (trainer_init(&T, N, o->batch, pl->nt, &pl->bar, err) || infer_init(&I, N, pl->nt, err)) {
        trainer_free(&T), free(order), free(pred), free(good);
        return -1;
    }
    rng_seed(&rng, o->seed ^ 0x73687566666c65ULL); /* "shuffle": its own stream */
    for (size_t i = 0; i < tr->n; i++) order[i] = i;
    T.data = tr, T.order = order, T.count = tr->n, T.eta = o->eta, T.inv = 1.0f / M->in_div;
    memcpy(good, N->param, N->nparam * sizeof(float));
    for (size_t ep = 1; ep <= o->epochs; ep++) {
        double cost;
        shuffle(&rng, order, tr->n);
        T.cost_sum = 0;
        trainer_sync(&T);
        pool_run(pl, train_epoch_job, &T);
        cost = T.cost_sum / (double)tr->n;
        if (!isfinite(cost) || !all_finite(N->param, N->nparam)) {
            memcpy(N->param, good, N->nparam * sizeof(float));
            rc = fail(err, NULL, "training diverged in epoch %zu (the cost is not a finite number); "
                      "try a smaller --eta than %g", ep, (double)o->eta);
            break;
        }
        memcpy(good, N->param, N->nparam * sizeof(float));
        M->epochs_done = (uint32_t)ep;
        if (te) {
            size_t ok = 0;
            infer_all(pl, &I, te, T.inv, NULL, pred);
            for (size_t i = 0; i < te->n; i++) ok += pred[i] == te->y[i];
            res->final_acc = (double)ok / (double)te->n;
            if (res->final_acc > res->best_acc) res->best_acc = res->final_acc, res->best_epoch = ep;
            if (!o->quiet)
                fprintf(stderr, "epoch %zu/%zu: cost %.6f, test %zu/%zu (%.2f%%), %.2f s\n", ep, o->epochs, cost, ok,
                        te->n, 100.0 * res->final_acc, now_seconds() - t0);
        } else if (!o->quiet) {
            fprintf(stderr, "epoch %zu/%zu: cost %.6f, %.2f s\n", ep, o->epochs, cost, now_seconds() - t0);
        }
    }
    res->seconds = now_seconds() - t0;
    trainer_free(&T), infer_free(&I), free(order), free(pred), free(good);
    return rc;
}

/* Streaming prediction.  Reads CSV text from a descriptor as it arrives:
 * every complete line in the buffer is parsed and predicted at once, the
 * lines split between threads, and the answers printed in input order.  A
 * pipe or terminal is flushed after each read, so `producer | nn predict
 * MODEL - | consumer` answers row by row; a regular file is read in large
 * pieces and written at full speed. */
typedef struct {
    const Net *net;
    float inv;
    CsvShape sh;
    const char **beg, **end;  /* (n) line spans */
    size_t *lineno;           /* (n) 1-based line numbers */
    size_t n;
    float **scratch;          /* the Infer scratch: [2 * tid], [2 * tid + 1] */
    float *out;               /* (n, size[L]) */
    int32_t *pred;            /* (n) */
    size_t badrow[NN_MAX_THREADS];
    CsvBad bad[NN_MAX_THREADS];
} PredJob;

static void pred_job(void *arg, int tid, int nt)
{
    PredJob *J = arg;
    const Net *N = J->net;
    size_t r0 = J->n * (size_t)tid / (size_t)nt, r1 = J->n * (size_t)(tid + 1) / (size_t)nt;
    size_t K = N->size[N->nl - 1], ld0 = N->ld[0];
    float *s0 = J->scratch[2 * tid], *s1 = J->scratch[2 * tid + 1];
    J->badrow[tid] = SIZE_MAX;
    for (size_t r = r0; r < r1; r += NN_CHUNK) {
        size_t m = r1 - r < NN_CHUNK ? r1 - r : NN_CHUNK;
        for (size_t b = 0; b < m; b++) {
            float *x = s0 + b * ld0;
            int32_t lab;
            memset(x + N->size[0], 0, (ld0 - N->size[0]) * sizeof(float));
            if (csv_row(J->beg[r + b], J->end[r + b], J->sh.sep, J->sh.ncol, J->sh.lc, J->inv, x, &lab, &J->bad[tid])) {
                J->badrow[tid] = r + b;
                return;
            }
        }
        forward_chunk(N, m, s0, s1, J->out + r * K, J->pred + r);
    }
}

/* Print the answers for n rows: labels, or the output activations. */
static void print_answers(const Net *N, const float *out, const int32_t *pred, size_t n, int probs)
{
    size_t K = N->size[N->nl - 1];
    for (size_t r = 0; r < n; r++) {
        if (probs)
            for (size_t k = 0; k < K; k++) printf("%.9g%c", (double)out[r * K + k], k + 1 < K ? ',' : '\n');
        else
            printf("%d\n", (int)pred[r]);
    }
}

/* Grow *p (elements of size sz) to hold at least n; 0 or -1. */
static int grow(void **p, size_t *cap, size_t n, size_t sz)
{
    void *q;
    size_t c = *cap ? *cap : 256, bytes;
    if (n <= *cap) return 0;
    while (c < n) c *= 2;
    if (mul_ok(c, sz, &bytes) || !(q = realloc(*p, bytes))) return -1;
    *p = q, *cap = c;
    return 0;
}

/* Predict CSV rows read from fd.  buf (cap bytes, `have` already read) is
 * taken over.  Returns 0 or -1 with a message. */
static int predict_stream(Pool *pl, Infer *I, const Net *N, float inv, int fd, int regular, const char *name,
                          const CsvOpt *o, uint8_t *buf, size_t have, size_t cap, int probs, Err *err)
{
    PredJob J;
    size_t line = 0, rows_done = 0, lcap = 0, ocap = 0, pcap = 0, ncap = 0, bcap = 0;
    int shaped = 0, eof = 0, rc = 0;
    char where[600];
    memset(&J, 0, sizeof J);
    J.net = N, J.inv = inv, J.scratch = &I->scratch[0][0];
    for (;;) {
        size_t endpos = have;
        const char *p = (const char *)buf, *e;
        if (!eof) { /* complete lines only, unless the input has ended */
            while (endpos > 0 && buf[endpos - 1] != '\n') endpos--;
        }
        e = p + endpos;
        if (endpos && memchr(buf, 0, endpos)) {
            rc = fail(err, name, "binary data, not CSV text");
            break;
        }
        if (!shaped && endpos) {
            const char *q = p;
            while (q < e && (*q == '\n' || *q == '\r' || *q == ' ' || *q == '\t')) q++;
            if (q < e) {
                if (csv_shape(&p, e, &line, o, name, &J.sh, err)) {
                    rc = -1;
                    break;
                }
                if (J.sh.d != N->size[0]) {
                    rc = fail(err, name, "%zu features per row, but the model takes %zu%s", J.sh.d, N->size[0],
                              J.sh.d == N->size[0] + 1 && !J.sh.lc ? " (is one column a label? see --label-col)" : "");
                    break;
                }
                shaped = 1;
            } else {
                for (; p < e; p++) line += *p == '\n';
            }
        }
        if (shaped) { /* the complete lines in [p, e) */
            size_t n = 0;
            for (const char *q = p; q < e; q++) n += *q == '\n';
            n++;
            if (grow((void **)&J.beg, &lcap, n, sizeof *J.beg) || grow((void **)&J.end, &bcap, n, sizeof *J.end) ||
                grow((void **)&J.lineno, &ncap, n, sizeof *J.lineno)) {
                rc = fail(err, name, "out of memory");
                break;
            }
            J.n = 0;
            while (p < e) {
                const char *eol = memchr(p, '\n', (size_t)(e - p)), *q;
                if (!eol) eol = e;
                line++;
                for (q = p; q < eol && (*q == ' ' || *q == '\r' || *q == '\t'); q++) {}
                if (q < eol) J.beg[J.n] = p, J.end[J.n] = eol, J.lineno[J.n++] = line;
                p = eol + 1;
            }
            if (J.n) {
                size_t K = N->size[N->nl - 1], bad = SIZE_MAX;
                int bt = 0;
                if (grow((void **)&J.out, &ocap, J.n * K, sizeof(float)) ||
                    grow((void **)&J.pred, &pcap, J.n, sizeof(int32_t))) {
                    rc = fail(err, name, "out of memory");
                    break;
                }
                if (J.n < 2 * NN_CHUNK) pred_job(&J, 0, 1); /* a few rows: not worth waking threads */
                else pool_run(pl, pred_job, &J);
                for (int t = 0; t < (J.n < 2 * NN_CHUNK ? 1 : pl->nt); t++)
                    if (J.badrow[t] < bad) bad = J.badrow[t], bt = t;
                if (bad != SIZE_MAX) {
                    print_answers(N, J.out, J.pred, bad, probs); /* the rows before it are good */
                    snprintf(where, sizeof where, "%.500s:%zu", name, J.lineno[bad]);
                    rc = csv_fail(err, where, &J.bad[bt], J.sh.ncol);
                    break;
                }
                print_answers(N, J.out, J.pred, J.n, probs);
                rows_done += J.n;
                if (!regular) fflush(stdout);
            }
        }
        memmove(buf, buf + endpos, have - endpos);
        have -= endpos;
        if (eof) break;
        if (have == cap) { /* one line longer than the buffer */
            uint8_t *nb;
            if (cap >= NN_MAX_FILE) {
                rc = fail(err, name, "a line longer than %zu bytes", NN_MAX_FILE);
                break;
            }
            if (!(nb = realloc(buf, cap * 2))) {
                rc = fail(err, name, "out of memory");
                break;
            }
            buf = nb, cap *= 2;
        }
        for (;;) {
            ssize_t got = read(fd, buf + have, cap - have);
            if (got < 0 && errno == EINTR) continue;
            if (got < 0) {
                rc = fail(err, name, "read error: %s", strerror(errno));
                break;
            }
            if (got == 0) eof = 1;
            have += (size_t)got;
            break;
        }
        if (rc) break;
    }
    if (!rc && !rows_done) rc = fail(err, name, shaped ? "no data rows" : "empty data file");
    free(buf), free(J.beg), free(J.end), free(J.lineno), free(J.out), free(J.pred);
    return rc;
}

/* ======================================================================== */
/* @@15 command line                                                        */
/* ======================================================================== */

#ifndef NN_NO_MAIN

/* An option a command accepts: --name ARG (arg NULL: a flag). */
typedef struct {
    const char *name, *arg, *def, *help;
} OptSpec;

#define OPT_END {NULL, NULL, NULL, NULL}

static const OptSpec train_opts[] = {
    {"layers", "SPEC", "IN-30-OUT", "layer sizes from input to output, e.g. 784-30-10"},
    {"eta", "RATE", "3.0", "learning rate"},
    {"epochs", "N", "30", "passes over the training data"},
    {"batch", "N", "10", "mini-batch size"},
    {"cost", "NAME", "quadratic", "quadratic or cross-entropy"},
    {"seed", "N", "1", "seed for initialisation and shuffling"},
    {"train", "FILE", "data/", "training data: CSV, or IDX images ('-' = stdin)"},
    {"train-labels", "FILE", "beside IDX", "IDX labels for --train"},
    {"test", "FILE", "none", "test data, evaluated after every epoch"},
    {"test-labels", "FILE", "beside IDX", "IDX labels for --test"},
    {"holdout", "N|FRAC", "0", "hold out N rows (or a fraction) of --train as the test set"},
    {"label-col", "first|last|N", "first", "CSV column holding the label (N counts from 1)"},
    {"header", "auto|yes|no", "auto", "whether CSV files start with a header line"},
    {"scale", "auto|none|NUM", "auto", "divide inputs by NUM (auto: 255 for IDX bytes, else the largest |value|)"},
    {"out", "FILE", "model.bin", "where to write the model"},
    {"threads", "N", "all CPUs", "worker threads"},
    {"quiet", NULL, NULL, "no progress on stderr"},
    {"help", NULL, NULL, "show this help"},
    OPT_END};

static const OptSpec predict_opts[] = {
    {"probs", NULL, NULL, "print the output activations instead of labels"},
    {"label-col", "none|first|last|N", "none", "CSV column to skip as a label"},
    {"header", "auto|yes|no", "auto", "whether the CSV input starts with a header line"},
    {"threads", "N", "all CPUs", "worker threads"},
    {"help", NULL, NULL, "show this help"},
    OPT_END};

static const OptSpec eval_opts[] = {
    {"labels", "FILE", "beside IDX", "IDX labels for DATA"},
    {"label-col", "first|last|N", "first", "CSV column holding the label"},
    {"header", "auto|yes|no", "auto", "whether the CSV file starts with a header line"},
    {"threads", "N", "all CPUs", "worker threads"},
    {"help", NULL, NULL, "show this help"},
    OPT_END};

static const OptSpec info_opts[] = {
    {"layers", "SPEC", NULL, "describe a layer spec instead of a model file"},
    {"help", NULL, NULL, "show this help"},
    OPT_END};

typedef struct {
    const char *name, *args, *summary;
    const OptSpec *opts;
} CmdSpec;

static const CmdSpec commands[] = {
    {"train", "[OPTIONS]", "train a network with mini-batch SGD and save it", train_opts},
    {"predict", "MODEL INPUT [OPTIONS]", "print one predicted label (or --probs) per input row", predict_opts},
    {"eval", "MODEL DATA [OPTIONS]", "print the accuracy of a model on labelled data", eval_opts},
    {"info", "MODEL | --layers SPEC", "print a network's layers, parameter counts and settings", info_opts},
    {NULL, NULL, NULL, NULL}};

static void print_cmd_help(FILE *f, const CmdSpec *c)
{
    fprintf(f, "usage: nn %s %s\n%s.\n\noptions:\n", c->name, c->args, c->summary);
    for (const OptSpec *o = c->opts; o->name; o++) {
        char left[64];
        snprintf(left, sizeof left, "--%s%s%s", o->name, o->arg ? " " : "", o->arg ? o->arg : "");
        fprintf(f, "  %-26s %s", left, o->help);
        if (o->def) fprintf(f, " (default: %s)", o->def);
        fputc('\n', f);
    }
}

static void print_help(FILE *f)
{
    fprintf(f,
            "nn %s -- train and run feedforward neural networks\n\n"
            "usage: nn COMMAND [ARGS] [OPTIONS]\n\ncommands:\n",
            NN_VERSION);
    for (const CmdSpec *c = commands; c->name; c++) fprintf(f, "  %-8s %s\n", c->name, c->summary);
    fprintf(f, "  %-8s %s\n\n", "help", "this text, or `nn help COMMAND` for a command's options");
    fprintf(f, "examples:\n"
               "  nn train                                   # the shipped digits data, 64-30-10\n"
               "  nn train --layers 784-30-10 --eta 3.0 --train data/train-images-idx3-ubyte \\\n"
               "           --test data/t10k-images-idx3-ubyte --out mnist.bin\n"
               "  nn predict mnist.bin data/t10k-images-idx3-ubyte | head\n"
               "  nn eval mnist.bin data/t10k-images-idx3-ubyte\n\n"
               "exit status: 0 success, 1 data or runtime error, 2 usage error.\n");
}

/* Levenshtein distance of two short strings (for "did you mean"). */
static size_t edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b), row[64];
    if (la > 63 || lb > 63) return 99;
    for (size_t j = 0; j <= lb; j++) row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t prev = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t cur = row[j], best = prev + (a[i - 1] != b[j - 1]);
            if (row[j] + 1 < best) best = row[j] + 1;
            if (row[j - 1] + 1 < best) best = row[j - 1] + 1;
            row[j] = best, prev = cur;
        }
    }
    return row[lb];
}

static int usage_error(const char *cmd, const char *fmt, const char *a, const char *b)
{
    fprintf(stderr, "%s: ", progname);
    fprintf(stderr, fmt, a, b);
    fprintf(stderr, "\n%s: try 'nn %s --help'\n", progname, cmd ? cmd : "help");
    return 2;
}

/* Parse argv against specs.  val[k] gets the argument of specs[k] ("" for
 * a flag that is set), pos[] the positional arguments.  "--" ends options.
 * Returns 0, or 2 after printing a usage error. */
static int parse_opts(const char *cmd, int argc, char **argv, const OptSpec *specs, const char **val,
                      const char **pos, int maxpos, int *npos)
{
    int dashdash = 0;
    *npos = 0;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i], *eq, *best = NULL;
        size_t nlen, bestd = 99;
        int k;
        if (dashdash || a[0] != '-' || a[1] == 0) {
            if (*npos == maxpos) return usage_error(cmd, "unexpected argument '%s'%s", a, "");
            pos[(*npos)++] = a;
            continue;
        }
        if (!strcmp(a, "--")) {
            dashdash = 1;
            continue;
        }
        if (a[1] != '-') return usage_error(cmd, "unknown option '%s'%s (options are spelled --name)", a, "");
        a += 2;
        eq = strchr(a, '=');
        nlen = eq ? (size_t)(eq - a) : strlen(a);
        for (k = 0; specs[k].name; k++)
            if (strlen(specs[k].name) == nlen && !strncmp(specs[k].name, a, nlen)) break;
        if (!specs[k].name) {
            char nm[128];
            snprintf(nm, sizeof nm, "%.*s", (int)(nlen > 100 ? 100 : nlen), a);
            for (int j = 0; specs[j].name; j++) {
                size_t dd = edit_distance(nm, specs[j].name);
                if (dd < bestd) bestd = dd, best = specs[j].name;
            }
            if (best && bestd <= 3) {
                char hint[160];
                snprintf(hint, sizeof hint, "; did you mean --%s?", best);
                return usage_error(cmd, "unknown option --%s%s", nm, hint);
            }
            return usage_error(cmd, "unknown option --%s%s", nm, "");
        }
        if (!specs[k].arg) {
            if (eq) return usage_error(cmd, "option --%s takes no value%s", specs[k].name, "");
            val[k] = "";
        } else if (eq) {
            val[k] = eq + 1;
        } else {
            if (i + 1 >= argc) return usage_error(cmd, "option --%s needs a value (%s)", specs[k].name, specs[k].arg);
            val[k] = argv[++i];
        }
    }
    return 0;
}

/* Index of option `name` in specs (it must exist). */
static int opt_index(const OptSpec *specs, const char *name)
{
    int k = 0;
    while (strcmp(specs[k].name, name)) k++;
    return k;
}

#define OPT(specs, val, name) ((val)[opt_index((specs), (name))])

/* Parse the CSV options shared by train, predict and eval. */
static int csv_options(const char *cmd, const char *label_col, const char *header, int dflt_label, CsvOpt *o)
{
    size_t k;
    o->label_col = dflt_label, o->header = -1;
    if (label_col) {
        if (!strcmp(label_col, "first")) o->label_col = 1;
        else if (!strcmp(label_col, "last")) o->label_col = -1;
        else if (!strcmp(label_col, "none")) o->label_col = 0;
        else if (!parse_size(label_col, NN_MAX_WIDTH + 1, &k) && k >= 1) o->label_col = (int)k;
        else return usage_error(cmd, "--label-col '%s': expected first, last, none or a column number from 1%s", label_col, "");
    }
    if (header) {
        if (!strcmp(header, "auto")) o->header = -1;
        else if (!strcmp(header, "yes")) o->header = 1;
        else if (!strcmp(header, "no")) o->header = 0;
        else return usage_error(cmd, "--header '%s': expected auto, yes or no%s", header, "");
    }
    return 0;
}

static int threads_option(const char *cmd, const char *s, int *nt)
{
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    size_t v;
    if (!s) {
        *nt = cpus < 1 ? 1 : cpus > NN_MAX_THREADS ? NN_MAX_THREADS : (int)cpus;
        return 0;
    }
    if (parse_size(s, NN_MAX_THREADS, &v) || v < 1)
        return usage_error(cmd, "--threads '%s': expected a whole number from 1 to 256%s", s, "");
    *nt = (int)v;
    return 0;
}

/* Flush stdout and turn a write error (a full disk, a closed pipe) into a
 * runtime error. */
static int finish_stdout(void)
{
    if (fflush(stdout) != 0 || ferror(stdout)) {
        say("error writing to standard output: %s", strerror(errno));
        return 1;
    }
    return 0;
}

static int file_exists(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

static int cmd_train(int argc, char **argv)
{
    const OptSpec *S = train_opts;
    const char *val[32] = {0}, *pos[1];
    const char *trainf, *testf, *out, *s;
    int npos, rc, nt, default_data = 0;
    CsvOpt co;
    TrainOpt o = {3.0f, 30, 10, 1, 1, 0};
    Data tr, te, all;
    Net N;
    Meta M;
    Err err = {{0}, {0}};
    Pool *pl;
    TrainResult res;
    size_t v, hold = 0;
    double dv, div = 0;
    if ((rc = parse_opts("train", argc, argv, S, val, pos, 0, &npos))) return rc;
    if (OPT(S, val, "help")) {
        print_cmd_help(stdout, &commands[0]);
        return finish_stdout();
    }
    if ((s = OPT(S, val, "eta")) && (parse_double(s, &dv) || !(dv > 0) || dv > 1e6))
        return usage_error("train", "--eta '%s': expected a positive number%s", s, "");
    if (s) o.eta = (float)dv;
    if ((s = OPT(S, val, "epochs")) && (parse_size(s, NN_MAX_EPOCHS, &v) || v < 1))
        return usage_error("train", "--epochs '%s': expected a whole number from 1 to 1000000%s", s, "");
    if (s) o.epochs = v;
    if ((s = OPT(S, val, "batch")) && (parse_size(s, NN_MAX_BATCH, &v) || v < 1))
        return usage_error("train", "--batch '%s': expected a whole number from 1 to 65536%s", s, "");
    if (s) o.batch = v;
    if ((s = OPT(S, val, "seed")) && parse_size(s, SIZE_MAX, &v))
        return usage_error("train", "--seed '%s': expected a whole number%s", s, "");
    if (s) o.seed = v;
    if ((s = OPT(S, val, "scale"))) {
        if (!strcmp(s, "none")) div = 1;
        else if (strcmp(s, "auto") && (parse_double(s, &div) || !(div > 0) || !isfinite((float)div)))
            return usage_error("train", "--scale '%s': expected auto, none or a positive number%s", s, "");
    }
    if ((s = OPT(S, val, "holdout"))) {
        if (!parse_size(s, NN_MAX_ROWS, &v)) hold = v;
        else if (parse_double(s, &dv) || !(dv > 0 && dv < 1))
            return usage_error("train", "--holdout '%s': expected a row count or a fraction between 0 and 1%s", s, "");
        else hold = SIZE_MAX; /* fraction: resolved once the rows are known */
    }
    if (threads_option("train", OPT(S, val, "threads"), &nt)) return 2;
    o.threads = nt, o.quiet = OPT(S, val, "quiet") != NULL;
    if (csv_options("train", OPT(S, val, "label-col"), OPT(S, val, "header"), 1, &co)) return 2;
    memset(&N, 0, sizeof N);
    if ((s = OPT(S, val, "layers")) && parse_layers(s, &N, &err)) {
        fprintf(stderr, "%s: %s\n", progname, err.msg);
        return 2;
    }
    if ((s = OPT(S, val, "cost"))) {
        int c = !strcmp(s, "quadratic") ? COST_QUADRATIC : !strcmp(s, "cross-entropy") ? COST_CROSS_ENTROPY : 0;
        if (!c) return usage_error("train", "--cost '%s': expected quadratic or cross-entropy%s", s, "");
        N.cost = c;
    }
    trainf = OPT(S, val, "train"), testf = OPT(S, val, "test");
    out = OPT(S, val, "out") ? OPT(S, val, "out") : "model.bin";
    if (!trainf) { /* the data shipped in data/, or fetched there */
        if (testf) return usage_error("train", "--test given without --train%s%s", "", "");
        if (file_exists("data/train-images-idx3-ubyte")) {
            trainf = "data/train-images-idx3-ubyte";
            if (file_exists("data/t10k-images-idx3-ubyte")) testf = "data/t10k-images-idx3-ubyte";
        } else if (file_exists("data/digits.csv")) {
            trainf = "data/digits.csv";
            if (!OPT(S, val, "label-col")) co.label_col = -1;
            if (!OPT(S, val, "holdout")) hold = 297; /* 1797 rows: 1500 train, 297 test */
        } else {
            fprintf(stderr, "%s: no --train given and no data in ./data; run nn from the project directory, "
                            "or give --train FILE\n", progname);
            return 2;
        }
        default_data = 1;
    }
    if (testf && OPT(S, val, "holdout")) return usage_error("train", "give --test or --holdout, not both%s%s", "", "");
    if (load_data(trainf, OPT(S, val, "train-labels"), &co, 1, &all, &err)) {
        report(&err);
        return 1;
    }
    if (default_data && !o.quiet) say("training on %s (%zu rows)", all.name, all.n);
    memset(&te, 0, sizeof te);
    if (hold) {
        if (hold == SIZE_MAX) {
            parse_double(OPT(S, val, "holdout"), &dv);
            hold = (size_t)floor(dv * (double)all.n + 0.5);
        }
        if (hold < 1 || hold >= all.n) {
            fprintf(stderr, "%s: --holdout leaves %zu of %zu rows for training; need at least one on each side\n",
                    progname, all.n - (hold < all.n ? hold : all.n), all.n);
            data_free(&all);
            return 2;
        }
        if (data_holdout(&all, hold, o.seed, &tr, &te, &err)) {
            report(&err);
            data_free(&all);
            return 1;
        }
    } else {
        tr = all;
        if (testf && load_data(testf, OPT(S, val, "test-labels"), &co, 1, &te, &err)) {
            report(&err);
            data_free(&tr);
            return 1;
        }
    }
    rc = 0;
    if (!N.nl) { /* default: the textbook's one hidden layer of 30 */
        char spec[64];
        int cost = N.cost;
        snprintf(spec, sizeof spec, "%zu-30-%zu", tr.d, tr.nclass < 2 ? (size_t)2 : tr.nclass);
        if (parse_layers(spec, &N, &err)) {
            report(&err);
            rc = 1;
        }
        if (cost) N.cost = cost;
    }
    if (!rc && N.size[0] != tr.d) {
        fprintf(stderr, "%s: --layers has %zu inputs, but %s has %zu features per row\n", progname, N.size[0], tr.name, tr.d);
        rc = 2;
    }
    if (!rc && te.n && te.d != tr.d) {
        fprintf(stderr, "%s: %s has %zu features per row, but %s has %zu\n", progname, te.name, te.d, tr.name, tr.d);
        rc = 1;
    }
    if (!rc && net_classes(&N) < (tr.nclass > te.nclass ? tr.nclass : te.nclass)) {
        size_t k = tr.nclass > te.nclass ? tr.nclass : te.nclass;
        fprintf(stderr, "%s: the output layer has %zu neurons, but the labels go up to %zu (%zu classes)\n", progname,
                N.size[N.nl - 1], k - 1, k);
        rc = 2;
    }
    if (!rc && net_alloc(&N, &err)) {
        report(&err);
        rc = 1;
    }
    if (rc) {
        data_free(&tr), data_free(&te), free(N.param);
        return rc;
    }
    memset(&M, 0, sizeof M);
    M.in_div = (float)(div > 0 ? div : tr.is_idx8 ? 255.0 : tr.maxabs > 0 ? tr.maxabs : 1.0);
    M.eta = o.eta, M.batch = (uint32_t)o.batch, M.epochs = (uint32_t)o.epochs, M.seed = o.seed;
    {
        Rng r;
        rng_seed(&r, o.seed);
        net_init_normal(&N, &r);
    }
    if (!o.quiet)
        say("%s: %zu-layer network, %zu parameters, %zu training rows, %s kernels, %d threads", out, (size_t)N.nl,
            net_count(&N), tr.n, NN_SIMD, nt);
    pl = pool_new(nt);
    if (!pl) {
        say("out of memory starting threads");
        data_free(&tr), data_free(&te), free(N.param);
        return 1;
    }
    rc = train_run(&N, &M, &tr, te.n ? &te : NULL, &o, pl, &res, &err);
    pool_free(pl);
    if (rc) {
        Err e2;
        report(&err);
        if (M.epochs_done && !model_save(out, &N, &M, &e2))
            say("saved the model of epoch %u (the last good one) to %s", M.epochs_done, out);
        data_free(&tr), data_free(&te), free(N.param);
        return 1;
    }
    rc = model_save(out, &N, &M, &err);
    if (rc) report(&err);
    else if (!o.quiet) {
        if (te.n)
            say("saved %s: test accuracy %.2f%% (best %.2f%% at epoch %zu), %.2f s", out, 100 * res.final_acc,
                100 * res.best_acc, res.best_epoch, res.seconds);
        else
            say("saved %s after %zu epochs, %.2f s", out, o.epochs, res.seconds);
    }
    data_free(&tr), data_free(&te), free(N.param);
    return rc ? 1 : 0;
}

/* Load MODEL and DATA for predict/eval; checks that they fit together. */
static int load_model_and_data(const char *mpath, const char *dpath, const char *labels, const CsvOpt *co,
                               int want_labels, Net *N, Meta *M, Data *d)
{
    Err err = {{0}, {0}};
    if (model_load(mpath, N, M, &err)) {
        report(&err);
        return 1;
    }
    if (load_data(dpath, labels, co, want_labels, d, &err)) {
        report(&err);
        free(N->param);
        return 1;
    }
    if (d->d != N->size[0]) {
        fprintf(stderr, "%s: %s: %zu features per row, but the model %s takes %zu%s\n", progname, d->name, d->d, mpath,
                N->size[0], (!want_labels && d->d == N->size[0] + 1) ? " (is one column a label? see --label-col)" : "");
        data_free(d), free(N->param);
        return 1;
    }
    if (want_labels && d->nclass > net_classes(N)) {
        fprintf(stderr, "%s: %s: labels go up to %zu, but the model %s has %zu outputs\n", progname, d->name,
                d->nclass - 1, mpath, N->size[N->nl - 1]);
        data_free(d), free(N->param);
        return 1;
    }
    return 0;
}

static int cmd_predict(int argc, char **argv)
{
    const OptSpec *S = predict_opts;
    const char *val[16] = {0}, *pos[2], *name;
    int npos, rc, nt, fd, regular, probs;
    size_t cap = (size_t)1 << 20, have = 0;
    uint8_t *buf;
    struct stat st;
    CsvOpt co;
    Net N;
    Meta M;
    Infer I;
    Pool *pl;
    Err err = {{0}, {0}};
    if ((rc = parse_opts("predict", argc, argv, S, val, pos, 2, &npos))) return rc;
    if (OPT(S, val, "help")) {
        print_cmd_help(stdout, &commands[1]);
        return finish_stdout();
    }
    if (npos != 2) return usage_error("predict", "expected MODEL and INPUT%s%s", "", "");
    if (csv_options("predict", OPT(S, val, "label-col"), OPT(S, val, "header"), 0, &co)) return 2;
    if (threads_option("predict", OPT(S, val, "threads"), &nt)) return 2;
    probs = OPT(S, val, "probs") != NULL;
    if (model_load(pos[0], &N, &M, &err)) {
        report(&err);
        return 1;
    }
    name = strcmp(pos[1], "-") ? pos[1] : "(stdin)";
    fd = strcmp(pos[1], "-") ? open(pos[1], O_RDONLY) : STDIN_FILENO;
    if (fd < 0 || fstat(fd, &st) != 0 || S_ISDIR(st.st_mode)) {
        if (fd >= 0 && S_ISDIR(st.st_mode)) fail(&err, name, "is a directory, not a data file");
        else fail(&err, name, "cannot open: %s", strerror(errno));
        report(&err);
        if (fd > 0) close(fd);
        free(N.param);
        return 1;
    }
    regular = S_ISREG(st.st_mode);
    pl = pool_new(nt);
    buf = malloc(cap);
    if (!pl || !buf || infer_init(&I, &N, pl->nt, &err)) {
        say("out of memory");
        free(buf), pool_free(pl), free(N.param);
        if (fd > 0) close(fd);
        return 1;
    }
    while (have < 4) { /* enough to tell IDX and gzip from CSV */
        ssize_t got = read(fd, buf + have, cap - have);
        if (got < 0 && errno == EINTR) continue;
        if (got <= 0) break;
        have += (size_t)got;
    }
    if (looks_idx(buf, have) || looks_gzip(buf, have)) { /* read it all */
        Data d;
        for (;;) {
            ssize_t got;
            if (have == cap) {
                uint8_t *nb = cap < NN_MAX_FILE ? realloc(buf, cap * 2) : NULL;
                if (!nb) {
                    rc = fail(&err, name, "too large or out of memory");
                    break;
                }
                buf = nb, cap *= 2;
            }
            got = read(fd, buf + have, cap - have);
            if (got < 0 && errno == EINTR) continue;
            if (got < 0) rc = fail(&err, name, "read error: %s", strerror(errno));
            if (got <= 0) break;
            have += (size_t)got;
        }
        if (rc) free(buf);
        else if (!(rc = load_data_buf(pos[1], buf, have, NULL, &co, 0, &d, &err))) { /* buf is taken over */
            float *out = alloc_floats(d.n * N.size[N.nl - 1]);
            int32_t *pred = alloc_array(d.n, sizeof(int32_t));
            if (d.d != N.size[0]) rc = fail(&err, name, "%zu values per image, but the model takes %zu", d.d, N.size[0]);
            else if (!out || !pred) rc = fail(&err, name, "out of memory");
            else {
                infer_all(pl, &I, &d, 1.0f / M.in_div, out, pred);
                print_answers(&N, out, pred, d.n, probs);
            }
            free(out), free(pred), data_free(&d);
        }
    } else {
        rc = predict_stream(pl, &I, &N, 1.0f / M.in_div, fd, regular, name, &co, buf, have, cap, probs, &err);
    }
    if (fd > 0) close(fd);
    infer_free(&I), pool_free(pl), free(N.param);
    if (rc) {
        fflush(stdout);
        report(&err);
        return 1;
    }
    return finish_stdout();
}

static int cmd_eval(int argc, char **argv)
{
    const OptSpec *S = eval_opts;
    const char *val[16] = {0}, *pos[2];
    int npos, rc, nt;
    CsvOpt co;
    Net N;
    Meta M;
    Data d;
    Infer I;
    Pool *pl;
    Err err;
    int32_t *pred;
    size_t ok = 0;
    if ((rc = parse_opts("eval", argc, argv, S, val, pos, 2, &npos))) return rc;
    if (OPT(S, val, "help")) {
        print_cmd_help(stdout, &commands[2]);
        return finish_stdout();
    }
    if (npos != 2) return usage_error("eval", "expected MODEL and DATA%s%s", "", "");
    if (csv_options("eval", OPT(S, val, "label-col"), OPT(S, val, "header"), 1, &co)) return 2;
    if (threads_option("eval", OPT(S, val, "threads"), &nt)) return 2;
    if ((rc = load_model_and_data(pos[0], pos[1], OPT(S, val, "labels"), &co, 1, &N, &M, &d))) return rc;
    pred = alloc_array(d.n, sizeof(int32_t));
    pl = pool_new(nt);
    if (!pred || !pl || infer_init(&I, &N, pl->nt, &err)) {
        say("out of memory");
        free(pred), pool_free(pl), data_free(&d), free(N.param);
        return 1;
    }
    infer_all(pl, &I, &d, 1.0f / M.in_div, NULL, pred);
    for (size_t r = 0; r < d.n; r++) ok += pred[r] == d.y[r];
    printf("accuracy %.4f (%zu/%zu)\n", (double)ok / (double)d.n, ok, d.n);
    infer_free(&I), pool_free(pl), free(pred), data_free(&d), free(N.param);
    return finish_stdout();
}

static void print_net(const Net *N)
{
    size_t tw = 0, tb = 0;
    printf("%-6s %8s  %-10s %10s %8s\n", "layer", "neurons", "activation", "weights", "biases");
    printf("%-6d %8zu  %-10s %10s %8s\n", 0, N->size[0], "input", "-", "-");
    for (int l = 1; l < N->nl; l++) {
        size_t w = N->size[l] * N->size[l - 1];
        tw += w, tb += N->size[l];
        printf("%-6d %8zu  %-10s %10zu %8zu\n", l, N->size[l], act_name(N->act[l]), w, N->size[l]);
    }
    printf("%-6s %8s  %-10s %10zu %8zu\n", "total", "", "", tw, tb);
    printf("parameters %zu\n", tw + tb);
}

static int cmd_info(int argc, char **argv)
{
    const OptSpec *S = info_opts;
    const char *val[8] = {0}, *pos[1];
    int npos, rc;
    Net N;
    Meta M;
    Err err = {{0}, {0}};
    if ((rc = parse_opts("info", argc, argv, S, val, pos, 1, &npos))) return rc;
    if (OPT(S, val, "help")) {
        print_cmd_help(stdout, &commands[3]);
        return finish_stdout();
    }
    if (OPT(S, val, "layers")) {
        if (npos) return usage_error("info", "give MODEL or --layers, not both%s%s", "", "");
        if (parse_layers(OPT(S, val, "layers"), &N, &err)) {
            fprintf(stderr, "%s: %s\n", progname, err.msg);
            return 2;
        }
        print_net(&N);
        return finish_stdout();
    }
    if (npos != 1) return usage_error("info", "expected MODEL (or --layers SPEC)%s%s", "", "");
    if (model_load(pos[0], &N, &M, &err)) {
        report(&err);
        return 1;
    }
    print_net(&N);
    printf("cost %s\n", cost_name(N.cost));
    printf("input divisor %.9g\n", (double)M.in_div);
    printf("trained %u of %u epochs, eta %.9g, batch %u, seed %llu\n", M.epochs_done, M.epochs, (double)M.eta,
           M.batch, (unsigned long long)M.seed);
    free(N.param);
    return finish_stdout();
}

/* ======================================================================== */
/* @@16 main                                                                */
/* ======================================================================== */

int main(int argc, char **argv)
{
    const char *cmd = argc > 1 ? argv[1] : NULL;
    /* a write past a file-size limit fails with EFBIG and is reported,
     * rather than killing nn half-way through a save */
    signal(SIGXFSZ, SIG_IGN);
    if (!cmd || !strcmp(cmd, "help") || !strcmp(cmd, "--help") || !strcmp(cmd, "-h")) {
        if (cmd && !strcmp(cmd, "help") && argc > 2) {
            for (const CmdSpec *c = commands; c->name; c++)
                if (!strcmp(c->name, argv[2])) {
                    print_cmd_help(stdout, c);
                    return finish_stdout();
                }
            return usage_error(NULL, "unknown command '%s'%s", argv[2], "");
        }
        print_help(cmd ? stdout : stderr);
        return cmd ? finish_stdout() : 2;
    }
    if (!strcmp(cmd, "--version")) {
        printf("nn %s (%s kernels, model format %u)\n", NN_VERSION, NN_SIMD, MODEL_VERSION);
        return finish_stdout();
    }
    if (!strcmp(cmd, "train")) return cmd_train(argc - 2, argv + 2);
    if (!strcmp(cmd, "predict")) return cmd_predict(argc - 2, argv + 2);
    if (!strcmp(cmd, "eval")) return cmd_eval(argc - 2, argv + 2);
    if (!strcmp(cmd, "info")) return cmd_info(argc - 2, argv + 2);
    {
        const char *best = NULL;
        size_t bd = 99;
        for (const CmdSpec *c = commands; c->name; c++)
            if (edit_distance(cmd, c->name) < bd) bd = edit_distance(cmd, c->name), best = c->name;
        if (bd <= 2) {
            fprintf(stderr, "%s: unknown command '%s'; did you mean '%s'?\n", progname, cmd, best);
            return 2;
        }
    }
    return usage_error(NULL, "unknown command '%s'%s", cmd, "");
}

#endif /* NN_NO_MAIN */
