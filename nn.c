/* nn.c -- train and run feedforward neural networks from the command line.
 *
 * One C11 file, libc + libm + POSIX threads.  Mini-batch stochastic gradient
 * descent with backpropagation, written as plain loops over flat arrays, with
 * SIMD kernels (AVX-512 or AVX2+FMA when the compiler targets them) checked
 * against plain reference kernels.  Dense layers, and for images
 * convolutions and pools in the literature's notation
 * (--layers 1x28x28-20c5-mp2-40c5-mp2-100-10).
 *
 * Build:   cc -std=c11 -O2 -o nn nn.c -lm -lpthread      (see Makefile)
 * Synopsis:
 *   nn train [--layers 784-30-10] [--eta 3.0] [--epochs 30] [--batch 10]
 *            [--train FILE [--train-labels FILE]] [--test FILE ...] [--out model.bin]
 *   nn train --resume CHECKPOINT
 *   nn predict MODEL INPUT [--probs | --top K] [--format csv|tsv|json|npy]
 *   nn eval MODEL DATA [--labels FILE] [--errors N [--show]]
 *   nn info MODEL | nn info --layers SPEC
 *   nn show DATA [--index I] [--count N] [--ascii]
 *   nn weights MODEL --pgm FILE
 *   nn serve MODEL... [--listen 127.0.0.1:8080]
 *   nn export MODEL [--c FILE.h [--int8]] [--onnx FILE.onnx] [--test DATA]
 *   nn help [COMMAND] | nn COMMAND --help | nn --version
 *
 * Exit status: 0 success, 1 data or runtime error, 2 usage error, 130/143
 * training stopped by SIGINT/SIGTERM (after saving).
 *
 * File formats (each has a "format notes" comment where it is read or written):
 *   gzip/DEFLATE (@@gzip), zlib and PNG (@@png), the model file and the
 *   checkpoint (@@model), IDX (@@idx), NumPy .npy/.npz (@@npy), CSV (@@csv),
 *   PGM (@@weights), protobuf and ONNX (@@export).
 *
 * Section map (grep -n '^/\* @@' nn.c); each section uses only those above
 * it, except that a layer kind's export_onnx calls the ONNX builder of
 * @@export through the declarations in @@layer.  Everything from @@cli on is
 * the program (left out under NN_NO_MAIN, as tests/unit.c builds it):
 *   @@limits   includes and limits        @@types    types
 *   @@diag     diagnostics, sizes, memory @@numbers  number parsing, random numbers
 *   @@files    byte I/O, files, CRC-32    @@gzip     gzip inflater
 *   @@png      deflate, PNG, pictures     @@kernels  dense kernels, SIMD
 *   @@act      activations and costs      @@layer    the layer interface
 *   @@dense    dense layers               @@conv     convolutions
 *   @@pool     pooling                    @@ple      piecewise-linear encoding
 *   @@bn       batch normalisation        @@kinds    the table of layer kinds
 *   @@tasks    classification, regression @@net      layout and the layer spec
 *   @@threads  the worker pool            @@step     the training step
 *   @@infer    inference                  @@model    model file, checkpoints
 *   @@idx      data sets, IDX files       @@npy      NumPy .npy and .npz
 *   @@csv      CSV                        @@table    tables (named columns)
 *   @@formats  format dispatch, labels    @@train    the training loop
 *   @@output   prediction output          @@export   exporters: C, int8, ONNX
 *   @@http     HTTP requests, JSON instances (nn serve's parsers)
 *   @@cli      options and help           @@trainopt nn train: options, defaults
 *   @@drive    nn train: data, network, run
 *   @@report   nn predict, eval, show, info
 *   @@weights  nn weights, nn export      @@explain  nn explain
 *   @@page     the HTML report            @@serve    nn serve
 *   @@main     main
 *
 * Licence: MIT (see LICENSE).
 */

/* ======================================================================== */
/* @@limits includes and limits                                            */
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
#include <strings.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/mman.h>
#include <sys/socket.h>
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

/* Subnormal floats flushed to zero (FTZ) and read as zero (DAZ) on x86,
 * set once at the start of main, before any thread (threads inherit it):
 * an operation on or giving a subnormal costs some hundred cycles, and
 * training makes them wherever a value decays geometrically -- Adam's
 * moments and momentum's velocity for a unit that has stopped learning, a
 * weight under decay -- and the epochs slow down more and more (30 Adam
 * epochs of a small regression took 32 s with them, 1.4 s without).
 * TensorFlow and oneDNN flush them likewise.  A subnormal is below
 * 1.2e-38, far under anything training resolves, and the same seed still
 * gives byte-identical models on any thread count.  Elsewhere the
 * arithmetic keeps its subnormals. */
#if defined(__SSE2__) || defined(__x86_64__)
#include <xmmintrin.h>
#define NN_FLUSH_SUBNORMALS() _mm_setcsr(_mm_getcsr() | 0x8040) /* FTZ (bit 15), DAZ (bit 6) */
#else
#define NN_FLUSH_SUBNORMALS() ((void)0)
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
#define NN_MAX_LINE (64 << 20)      /* bytes in one line of CSV text */
#define NN_MAX_CATS 1000            /* categories of one categorical column */
#define NN_MAX_PATH 4096            /* bytes of a path nn builds or resolves (PATH_MAX on Linux) */
#define NN_SUGGEST_OPTION 3         /* an unknown option this few edits from a known one gets "did you mean" */
#define NN_SUGGEST_COMMAND 2        /* likewise a command (short names: 3 edits make "info" of "eval") */

/* Fault injection for the tests (tests/run.sh builds tests/unit.c's
 * gradient check with each): 1 drops the activation derivative, 2 flips
 * the sign of the output error, 3 drops the bias gradient, 4 flips the
 * propagated delta. */
#ifndef NN_FAULT
#define NN_FAULT 0
#endif

#define NN_PAD 16 /* floats: rows are padded to 64 bytes, tails are zero */
#define NN_GROUP 8 /* rows (images) a partial sum of a convolution's gradient covers (see LayerKind) */
#define NN_ALIGN 64

/* ======================================================================== */
/* @@types types                                                           */
/* ======================================================================== */

/* A status message filled by loaders and parsers; only the command layer
 * prints it.  `where` names the file (and line) when known. */
typedef struct {
    char where[512];
    char msg[512];
} Err;

/* Ids as stored in model files: never renumber. */
enum { ACT_SIGMOID = 1, ACT_TANH, ACT_RELU, ACT_LEAKY, ACT_LINEAR, ACT_SOFTMAX, ACT_COUNT };
enum { COST_QUADRATIC = 1, COST_CROSS_ENTROPY, COST_LOGLIK, COST_COUNT };
enum { INIT_NORMAL = 1, INIT_SCALED, INIT_HE, INIT_COUNT };
enum { OPT_SGD = 1, OPT_MOMENTUM, OPT_NESTEROV, OPT_ADAM, OPT_COUNT };
enum { SCHED_CONSTANT = 1, SCHED_STEP, SCHED_EXP, SCHED_COSINE, SCHED_COUNT };
#define LEAKY_SLOPE 0.01f

/* A layer with parameters, mapping the activations of layer l-1 (nin
 * features a row, padded to ldin) to those of layer l (nout, ldout); its
 * weights and biases are views into Net.param at woff and boff (nw and nb
 * floats, padding included).  Dense: W (nout, ldin) row-major -- W[out][in],
 * each row padded with zeros -- and B (nout) in a slot of ldout floats. */
typedef struct {
    int kind;            /* LAYER_* (see @@layer) */
    int act;             /* ACT_* of its outputs */
    size_t nin, nout;    /* features of a row in and out */
    size_t ldin, ldout;  /* their padded lengths */
    size_t wrows, wcols; /* W's real shape: wrows rows of wcols weights... */
    size_t ldw;          /* ...each row padded to ldw (dense: wrows = nout, wcols = nin) */
    size_t nbias;        /* real biases (dense: nout) */
    size_t woff, nw;     /* W in param: offset and floats, padding included */
    size_t boff, nb;     /* B likewise */
    size_t soff, ns;     /* its untrained state (bin edges, running statistics), after B: never stepped, saved with W and B */
    /* Images: activations are C x H x W maps stored channel-last (pixel by
     * pixel, a pixel's C values together: HWC), so that a convolution is a
     * matrix product over rows of patches.  A dense layer is C x 1 x 1. */
    size_t ic, ih, iw;   /* the input's shape */
    size_t oc, oh, ow;   /* the output's shape */
    size_t k, pad;       /* conv: k x k kernels, zero padding; pool: k x k windows, stride k; ple: k bins, pad 1 when the value comes first */
    size_t part;         /* floats of the gradient's partial sums over a group of NN_GROUP rows (conv), or 0 */
    size_t tmp;          /* floats of scratch a thread needs for one row */
    float mom, eps;      /* batch normalisation: the running averages' momentum, epsilon */
} Layer;

/* The part of a layer's (m, ld) activations or deltas one thread computes:
 * rows [b0, b1) and units [j0, j1).  A dense layer splits its units
 * between threads, a convolution or a pool its rows (images). */
typedef struct {
    size_t b0, b1, j0, j1;
} Part;

/* The network: nl activation layers (the input is layer 0), joined by the
 * L = nl - 1 layers layer[1..L].  All weights and biases, and any untrained
 * state, live in one 64-byte aligned allocation `param`; each layer's are
 * views into it. */
typedef struct {
    int nl;                        /* number of activation layers, input included */
    size_t size[NN_MAX_LAYERS];    /* features of each activation layer; size[0] = inputs */
    size_t ld[NN_MAX_LAYERS];      /* their padded row lengths */
    size_t shape[NN_MAX_LAYERS][3]; /* their C x H x W (a dense layer's: size x 1 x 1) */
    Layer layer[NN_MAX_LAYERS];    /* layer[l], l >= 1: from activations l-1 to l */
    size_t nparam;                 /* floats in param, padding included */
    int cost;
    int task;                      /* TASK_*: what the outputs are for (see Task in @@tasks) */
    int members;                   /* an ensemble's networks (0 or 1: a single one); see net_member */
    float *param;                  /* (members, nparam): member m's at param + m * nparam */
} Net;

#define NET_W(n, l) ((n)->param + (n)->layer[l].woff)
#define NET_B(n, l) ((n)->param + (n)->layer[l].boff)
#define NET_S(n, l) ((n)->param + (n)->layer[l].soff)

/* How a row of raw features becomes the network's input, as the model
 * stores it and training, inference and export all apply it: x / div, then
 * with --standardize (x - mean) * rsd. */
typedef struct {
    float div;          /* > 0 */
    float *mean, *rsd;  /* (inputs) each: the means and 1 / the deviations, owned; or NULL */
} InputMap;

/* A column of a training table (a CSV file read as a table: see @@table),
 * as the model keeps it so that predict, eval and export read new files
 * the same way: a number (a missing value becomes the training mean), a
 * category (one-hot: one input per category, all 0 for one never seen),
 * the label, a regression target, or ignored. */
enum { COL_NUMBER = 1, COL_CATEGORY, COL_LABEL, COL_TARGET, COL_IGNORED, COL_COUNT };
enum { MISS_MEAN = 1, MISS_DROP, MISS_ERROR, MISS_COUNT };
typedef struct {
    int kind;        /* COL_* */
    char *name;      /* from the header, or NULL */
    float fill;      /* COL_NUMBER: the training mean, put in for a missing value */
    char **cats;     /* COL_CATEGORY: its categories in order of first appearance; "" is the missing value's */
    uint32_t ncat;
} Column;

/* The columns of a training table; ncol 0 when the data was not read as a
 * table (IDX, or a CSV of numbers and a label). */
typedef struct {
    uint32_t ncol;
    Column *col;
    uint32_t missing; /* MISS_*: what training did with a missing feature */
} Table;

/* Regression: the network learns standardised targets, t' = (t - mean) /
 * sd; predictions are mapped back, a * sd + mean, into the data's units. */
typedef struct {
    uint32_t n;        /* targets (0: not a regression) */
    float *mean, *sd;  /* (n) each, owned */
} TargetMap;

/* What a model file holds beside the network: its input map, class names
 * and the training settings (for `nn info` and for reproducing a run). */
typedef struct {
    InputMap in;     /* applied to every row before the first layer */
    Table tab;       /* how a CSV row becomes the raw features (ncol 0: every column but the label is one) */
    TargetMap out;   /* regression: the targets' standardisation */
    float eta;       /* the base learning rate */
    uint32_t batch, epochs, epochs_done;
    uint64_t seed;
    uint32_t init, optimizer, schedule, step, kept_epoch, val_rows, patience; /* kept: the epoch saved */
    float momentum, lambda, dropout, gamma, beta1, beta2, epsilon;
    char **names;      /* class names (NULL: the labels are numbers), owned */
    uint32_t nnames;
    uint32_t augment;  /* --augment: the shift in pixels, + AUG_FLIP when mirrored; 0 none */
    uint32_t numbered; /* names are those of numbered classes (--class-names): data labels them by number */
} Meta;

#define AUG_FLIP 0x100u  /* in Meta.augment: images mirrored left to right too */

/* Why a training CSV was read as a table (Data.table_why): what the user
 * asked, or what the file is.  Row names alone do not make the table
 * defaults apply; a header of names over at most NN_TABLE_NAMED feature
 * columns does (wider files of numbers under names are images' pixels
 * more often than tables, and keep the textbook's). */
enum { TABLE_ASKED = 1, TABLE_TEXT = 2, TABLE_MISSING = 4, TABLE_ROWNAMES = 8, TABLE_NAMES = 16 };
#define NN_TABLE_NAMED 256
#define NN_MAX_SHIFT 64  /* pixels of --augment shift */

/* A labelled (or unlabelled) data set.  Features are either bytes (IDX
 * unsigned byte images, kept as loaded: 1 byte per pixel) or floats. */
typedef struct {
    size_t n, d;          /* rows, features per row */
    const uint8_t *x8;    /* (n, d) or NULL */
    const float *xf;      /* (n, d) or NULL */
    int32_t *y;           /* (n) labels, or NULL when unlabelled */
    float *t;             /* (n, nt) regression targets in the data's units, or NULL */
    size_t nt;
    const TargetMap *tm;  /* the model's target standardisation (set before training or scoring) */
    Table tab;            /* a table's columns (read from a training file), owned */
    int is_table;         /* read as a table (through tab, or a model's) */
    unsigned table_why;   /* training: why (TABLE_*) */
    size_t *lineno;       /* a table's: the file line of each row (rows without a target are left out), owned */
    size_t *rowno;        /* rows picked from a file (--holdout): each one's row there, from 0, owned; or NULL */
    size_t nclass;        /* 1 + largest label, 0 when unlabelled */
    float maxabs;         /* largest |feature|, for --scale auto */
    void *own_x, *own_y, *own_t; /* allocations this set owns */
    char **names;         /* (nclass) class names when labels were names, owned */
    char name[512];
    char note[1000];      /* what the loader decided for the user (see CsvShape), or "" */
    size_t lc;            /* CSV: the label column (1-based), 0 for none */
    int headed;           /* CSV: the file had a header line */
    size_t shape[3];      /* images: C x H x W from the file (IDX of rank 3, or 4: items x H x W x C), or 0s */
    const float *cw;      /* training rows: each class's weight in the cost (--class-weight), or NULL; not owned */
} Data;

/* ======================================================================== */
/* @@diag diagnostics, checked sizes, memory                               */
/* ======================================================================== */

static const char *progname = "nn"; /* the program name in messages */

/* A message's place, "FILE:LINE" or "FILE (array NAME)", into buf (NN_WHERE
 * bytes; a long file name is cut). */
#define NN_WHERE 700
static const char *where_line(char *buf, const char *name, size_t line)
{
    snprintf(buf, NN_WHERE, "%.500s:%zu", name, line);
    return buf;
}

static const char *where_array(char *buf, const char *name, const char *array)
{
    snprintf(buf, NN_WHERE, "%.500s (array %.190s)", name, array);
    return buf;
}

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

/* (nn serve's workers) where say() puts its lines instead of stderr, each
 * ending '\n', while a request is answered: say_to[0..say_room), kept a
 * string; NULL: stderr. */
static _Thread_local char *say_to;
static _Thread_local size_t say_room;

#if defined(__GNUC__)
__attribute__((format(printf, 1, 2)))
#endif
static void say(const char *fmt, ...)
{
    va_list ap;
    if (say_to) {
        size_t n = strlen(say_to);
        if (n + 2 < say_room) {
            va_start(ap, fmt);
            vsnprintf(say_to + n, say_room - n - 1, fmt, ap);
            va_end(ap);
            n += strlen(say_to + n), say_to[n++] = '\n', say_to[n] = 0;
        }
        return;
    }
    fprintf(stderr, "%s: ", progname);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

/* Each line of text through say(). */
static void say_lines(const char *text)
{
    for (const char *p = text, *e; *p; p = *e ? e + 1 : e) {
        e = strchr(p, '\n');
        if (!e) e = p + strlen(p);
        say("%.*s", (int)(e - p), p);
    }
}

#ifndef NN_PROGRESS_SECONDS
#define NN_PROGRESS_SECONDS 5.0 /* between progress lines when stderr is not a terminal (tests build with less) */
#endif

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

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

/* alloc_floats(n * k), NULL when the product overflows. */
static float *alloc_floats2(size_t n, size_t k)
{
    size_t nk;
    return mul_ok(n, k, &nk) ? NULL : alloc_floats(nk);
}

/* calloc of n elements of size sz, overflow-checked. */
static void *alloc_array(size_t n, size_t sz)
{
    size_t bytes;
    if (mul_ok(n ? n : 1, sz, &bytes)) return NULL;
    return calloc(1, bytes);
}

/* ======================================================================== */
/* @@numbers number parsing, random numbers                                */
/* ======================================================================== */

/* The decimal digits at p as a number: *out is their value, or max + 1 when
 * that is larger than max.  Returns the end of the digits (p itself when
 * there are none), or NULL when the value is larger than max = SIZE_MAX. */
static const char *scan_size(const char *p, size_t max, size_t *out)
{
    size_t v = 0;
    for (; *p >= '0' && *p <= '9'; p++) {
        size_t d = (size_t)(*p - '0');
        if (v > max) continue;
        if (v > (max - d) / 10) {
            if (max == SIZE_MAX) return NULL;
            v = max + 1;
        } else {
            v = v * 10 + d;
        }
    }
    *out = v;
    return p;
}

/* Parse a whole string as a non-negative decimal integer <= max.  Returns 0
 * and sets *out, or -1 (empty, sign, junk, overflow, too large). */
static int parse_size(const char *s, size_t max, size_t *out)
{
    size_t v;
    const char *e;
    if (!s || !*s || !(e = scan_size(s, max, &v)) || *e || v > max) return -1;
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
 * fast path); other forms go through strtod on a copy (of the text, or
 * beyond 400 characters of its 19 significant digits and exponent).  A
 * value too small for a double underflows to it (a denormal or 0).
 * Returns 0 and advances *pp; -1 when the text is not a decimal number; -2,
 * advancing *pp, when it is one too large for a double. */
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
        if (len < sizeof buf) {
            memcpy(buf, start, len);
            buf[len] = 0;
        } else { /* (ex is bounded by the digits read and the 100000 cap) */
            snprintf(buf, sizeof buf, "%s%llue%d", neg ? "-" : "", (unsigned long long)m, ex);
        }
        errno = 0;
        v = strtod(buf, &e2);
        if (*e2) return -1;
        if (!isfinite(v) || (errno == ERANGE && fabs(v) > 1.0)) { /* (ERANGE and tiny: an underflow) */
            *pp = p;
            return -2;
        }
        *out = v;
    }
    *pp = p;
    return 0;
}

/* Parse "N" (a row count; 0: none) or "FRAC" (0 < FRAC < 1) of n rows into *k;
 * 0, or -1 when malformed.  *k is resolved against n later (frac > 0). */
static int rows_option(const char *s, size_t *k, double *frac)
{
    size_t v;
    double dv;
    *k = 0, *frac = 0;
    if (!parse_size(s, NN_MAX_ROWS, &v)) return *k = v, 0;
    if (!parse_double(s, &dv) && dv > 0 && dv < 1) return *frac = dv, 0;
    return -1;
}

/* A float option in [lo, hi] (lo_open: > lo). */
static int float_option(const char *s, double lo, int lo_open, double hi, float *out)
{
    double v;
    if (parse_double(s, &v) || v < lo || (lo_open && v <= lo) || v > hi) return -1;
    *out = (float)v;
    return 0;
}

/* "s" unless n is 1: "1 thread", "2 threads". */
static const char *plural(size_t n) { return n == 1 ? "" : "s"; }

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

/* xoshiro256** seeded through splitmix64: one explicit state, passed by
 * pointer; used for initialisation and shuffling. */
typedef struct {
    uint64_t s[4];
} Rng;

/* The random streams of a run, each seeded from --seed xor its tag (its
 * name in ASCII), so that no two coincide: the shuffle, the holdout and
 * validation splits, and the keys of the dropout and augmentation hashes;
 * and eval --importance's shuffles of a column.
 * (#defines: C11's enum constants are ints.) */
#define STREAM_SHUFFLE 0x73687566666c65ULL /* "shuffle" */
#define STREAM_HOLDOUT 0x686f6c646f7574ULL /* "holdout" */
#define STREAM_VAL 0x76616cULL             /* "val", xor the holdout's */
#define STREAM_DROPOUT 0x64726f706f7574ULL /* "dropout" */
#define STREAM_AUGMENT 0x6175676d656e74ULL /* "augment", xor the dropout key */
#define STREAM_PERMUTE 0x7065726d757465ULL /* "permute": eval --importance's shuffles */
#define STREAM_MEMBER 0x6d656d626572ULL    /* "member": ensemble member e's seed is --seed + e times it */

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
/* @@files byte I/O, files, CRC-32                                         */
/* ======================================================================== */

/* The magic numbers of nn's own files (format notes in @@model), and of the
 * data formats it sniffs. */
#define CKPT_MAGIC "\x89NNC\r\n\x1a\n"
#define MODEL_MAGIC "\x89NNM\r\n\x1a\n"

static int looks_idx(const uint8_t *b, size_t len) { return len >= 4 && !b[0] && !b[1] && b[2] >= 0x08 && b[2] <= 0x0E; }
static int looks_gzip(const uint8_t *b, size_t len) { return len >= 2 && b[0] == 0x1f && b[1] == 0x8b; }

/* What a reader expects at the start of a file.  The first bytes are
 * checked as soon as they arrive, and text is checked as it arrives, so an
 * endless or wrong input (/dev/zero, a model given as data) fails at once
 * instead of after gigabytes. */
enum { RD_ANY, RD_MODEL, RD_CKPT, RD_DATA };

/* Why the first n bytes of a file (all of it when eof) are not a `kind`
 * file, or NULL.  Shared with the decoders so a file gets one message
 * whichever way it is read. */
static const char *sniff(int kind, const uint8_t *b, size_t n, int eof)
{
    const char *mine = kind == RD_MODEL ? MODEL_MAGIC : CKPT_MAGIC, *other = kind == RD_MODEL ? CKPT_MAGIC : MODEL_MAGIC;
    if (kind != RD_MODEL && kind != RD_CKPT) return NULL;
    if (n == 0 && eof) return kind == RD_MODEL ? "empty file, not an nn model" : "empty file, not an nn checkpoint";
    if (n < 8 && !eof) return NULL; /* wait for more */
    if (!memcmp(b, mine, n < 8 ? n : 8)) return n < 8 ? "truncated: the file ends inside its magic number" : NULL;
    if (n >= 8 && !memcmp(b, other, 8))
        return kind == RD_MODEL ? "is a training checkpoint, not a model (continue it with: nn train --resume FILE)"
                                : "is a model file, not a training checkpoint (a run resumes from the --checkpoint FILE it was started with)";
    return kind == RD_MODEL ? "not an nn model file (bad magic number)" : "not an nn checkpoint file (bad magic number)";
}

/* Whether a data file starting with b[0..n) is in a format read as a whole
 * (gzip, IDX) rather than CSV text; from the format table in @@formats. */
static int whole_format(const uint8_t *b, size_t n);

/* One read(2) of fd into buf[*have..cap), retried when interrupted: *have
 * grows by what arrived, *eof is set at the end of the input.  The one
 * place nn reads a descriptor (read_fd, predict's sniffing and its
 * stream).  Returns 0, or -1 with a message naming `name`. */
static int read_more(int fd, uint8_t *buf, size_t cap, size_t *have, int *eof, const char *name, Err *err)
{
    if (fd < 0) { /* no descriptor: the input is what the buffer holds (serve's requests) */
        *eof = 1;
        return 0;
    }
    for (;;) {
        ssize_t got = read(fd, buf + *have, cap - *have);
        if (got < 0 && errno == EINTR) continue;
        if (got < 0) return fail(err, name, "read error: %s", strerror(errno));
        if (got == 0) *eof = 1;
        *have += (size_t)got;
        return 0;
    }
}

/* Read the rest of fd into *buf (cap bytes allocated, *have already read),
 * growing it up to NN_MAX_FILE bytes; the result has one extra NUL byte
 * after *have.  `kind` decides the checks made as bytes arrive (see
 * sniff); data that is not gzip or IDX must be text: no NUL byte, no line
 * longer than NN_MAX_LINE.  On error *buf is freed. */
static int read_fd(int fd, const char *name, int kind, uint8_t **buf, size_t *have, size_t cap, Err *err)
{
    size_t n = *have, checked = 0, run = 0, line = 1;
    int text = -1, eof = 0; /* text: unknown until the first bytes are in */
    const char *why;
    uint8_t *b = *buf;
    for (;;) {
        if (!eof && (text < 0 || n < 8)) { /* the start: sniff it once enough is in */
            if ((why = sniff(kind, b, n, 0))) goto bad_why;
        }
        if (text < 0 && (n >= 8 || eof)) text = kind == RD_DATA && !whole_format(b, n);
        if (text > 0)
            for (; checked < n; checked++) {
                uint8_t c = b[checked];
                if (c == 0) {
                    size_t nl = strlen(name);
                    free(b);
                    if (nl > 4 && (!strcmp(name + nl - 4, ".npy") || !strcmp(name + nl - 4, ".npz")))
                        return fail(err, name, "not a NumPy %s file: it starts neither with \\x93NUMPY nor a zip header (bad magic)", name + nl - 4);
                    return fail(err, name, "binary data (a NUL byte at offset %zu), neither IDX, NumPy nor CSV text", checked);
                }
                if (c == '\n' || c == '\r') {
                    line += c == '\n', run = 0;
                } else if (++run > NN_MAX_LINE) {
                    free(b);
                    return fail(err, name, "line %zu is longer than %d bytes (the limit)", line, NN_MAX_LINE);
                }
            }
        if (eof) break;
        if (n == cap) {
            uint8_t *nb;
            if (cap > NN_MAX_FILE) {
                free(b);
                return fail(err, name, "file too large (the limit is %zu bytes)", (size_t)NN_MAX_FILE);
            }
            cap = cap > NN_MAX_FILE / 2 ? NN_MAX_FILE + 1 : cap * 2;
            if (!(nb = realloc(b, cap + 1))) {
                free(b);
                return fail(err, name, "out of memory reading the file");
            }
            b = nb;
        }
        if (read_more(fd, b, cap, &n, &eof, name, err)) {
            free(b);
            return -1;
        }
        if (eof && (why = sniff(kind, b, n, 1))) goto bad_why;
    }
    b[n] = 0;
    *buf = b, *have = n;
    return 0;
bad_why:
    free(b);
    return fail(err, name, "%s", why);
}

/* Open `path` for reading ("-" = standard input); *fd, *name for messages.
 * `what` names what was expected ("a data file", "a model file"). */
static int open_input(const char *path, const char *what, int *fd, const char **name, struct stat *st, Err *err)
{
    *name = strcmp(path, "-") ? path : "(stdin)";
    *fd = strcmp(path, "-") ? open(path, O_RDONLY) : STDIN_FILENO;
    if (*fd < 0) return fail(err, *name, "cannot open: %s", strerror(errno));
    if (fstat(*fd, st) == 0 && S_ISDIR(st->st_mode)) {
        if (*fd != STDIN_FILENO) close(*fd);
        return fail(err, *name, "is a directory, not %s", what);
    }
    return 0;
}

/* Read a whole file ("-" = standard input) into a malloc'd buffer of at
 * most NN_MAX_FILE bytes, checked as it arrives according to `kind`.  The
 * buffer has one extra NUL byte after *len.  Caller frees. */
static int read_all(const char *path, int kind, uint8_t **out, size_t *len, Err *err)
{
    static const char *const what[] = {"a file", "a model file", "a checkpoint", "a data file"};
    const char *name;
    struct stat st;
    size_t cap = 1 << 16;
    uint8_t *buf;
    int fd, rc;
    if (open_input(path, what[kind], &fd, &name, &st, err)) return -1;
    if (S_ISREG(st.st_mode) && st.st_size > 0) {
        if ((uintmax_t)st.st_size > NN_MAX_FILE) {
            if (fd != STDIN_FILENO) close(fd);
            return fail(err, name, "file too large (%jd bytes; the limit is %zu)", (intmax_t)st.st_size, (size_t)NN_MAX_FILE);
        }
        cap = (size_t)st.st_size + 1;
    }
    if (!(buf = alloc_bytes(cap + 1))) {
        if (fd != STDIN_FILENO) close(fd);
        return fail(err, name, "out of memory reading the file");
    }
    *len = 0;
    rc = read_fd(fd, name, kind, &buf, len, cap, err);
    if (fd != STDIN_FILENO) close(fd);
    if (!rc) *out = buf;
    return rc;
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

static void put_be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

static void put_le32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v, p[1] = (uint8_t)(v >> 8), p[2] = (uint8_t)(v >> 16), p[3] = (uint8_t)(v >> 24);
}

/* Class name tables: arrays of malloc'd strings. */
static void names_free(char **names, size_t n)
{
    for (size_t i = 0; names && i < n; i++) free(names[i]);
    free(names);
}

/* A copy of a names table (NULL for NULL, or on no memory: *ok = 0). */
static char **names_dup(char *const *names, size_t n, int *ok)
{
    char **c;
    if (!names) return NULL;
    if (!(c = calloc(n ? n : 1, sizeof *c))) return *ok = 0, NULL;
    for (size_t i = 0; i < n; i++)
        if (!(c[i] = malloc(strlen(names[i]) + 1))) {
            names_free(c, i);
            return *ok = 0, NULL;
        } else {
            strcpy(c[i], names[i]);
        }
    return c;
}

static void table_free(Table *t)
{
    for (uint32_t c = 0; t->col && c < t->ncol; c++) {
        free(t->col[c].name);
        names_free(t->col[c].cats, t->col[c].ncat);
    }
    free(t->col);
    memset(t, 0, sizeof *t);
}

/* A table of numbers only (no category, no target): a CSV of numbers under
 * a header of names, as a plain model keeps it.  Its rows read as plain
 * CSV rows do ('#' lines are comments, a first line is a header when it
 * looks like one). */
static int table_numbers(const Table *t)
{
    for (uint32_t c = 0; c < t->ncol; c++)
        if (t->col[c].kind == COL_CATEGORY || t->col[c].kind == COL_TARGET) return 0;
    return t->ncol != 0;
}

/* Are a table's inputs its number columns in order, no one-hot among them
 * (no category)?  Then data without names (NumPy, IDX) gives them by
 * position, and a square of them may be drawn as a picture. */
static int table_flat(const Table *t)
{
    for (uint32_t c = 0; c < t->ncol; c++)
        if (t->col[c].kind == COL_CATEGORY) return 0;
    return 1;
}

static int cur_u32(Cursor *c, uint32_t *v)
{
    if (!cur_need(c, 4)) return -1;
    *v = get_le32(c->p), c->p += 4;
    return 0;
}

static int cur_u64(Cursor *c, uint64_t *v)
{
    uint32_t lo, hi;
    if (cur_u32(c, &lo) || cur_u32(c, &hi)) return -1;
    *v = lo | (uint64_t)hi << 32;
    return 0;
}

static int cur_f64(Cursor *c, double *v)
{
    uint64_t u;
    if (cur_u64(c, &u)) return -1;
    memcpy(v, &u, 8);
    return isfinite(*v) ? 0 : -1;
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

/* CRC-32 (IEEE 802.3, as in gzip and PNG).  Short inputs go four bits at a
 * time through a 16-entry table; long ones (gzip members) eight bytes at a
 * time through tables built on the stack for the call (8 KiB, microseconds),
 * which keeps the program free of mutable global state. */
static uint32_t crc32_nibble(uint32_t crc, const uint8_t *p, size_t n);

static uint32_t crc32_update(uint32_t crc, const uint8_t *p, size_t n)
{
    uint32_t t[8][256];
    if (n < 65536) return crc32_nibble(crc, p, n);
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++) c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1)));
        t[0][i] = c;
    }
    for (int s = 1; s < 8; s++)
        for (uint32_t i = 0; i < 256; i++) t[s][i] = (t[s - 1][i] >> 8) ^ t[0][t[s - 1][i] & 255];
    crc = ~crc;
    for (; n >= 8; n -= 8, p += 8) {
        uint32_t a = crc ^ get_le32(p), b = get_le32(p + 4);
        crc = t[7][a & 255] ^ t[6][(a >> 8) & 255] ^ t[5][(a >> 16) & 255] ^ t[4][a >> 24] ^ t[3][b & 255] ^
              t[2][(b >> 8) & 255] ^ t[1][(b >> 16) & 255] ^ t[0][b >> 24];
    }
    return crc32_nibble(~crc, p, n);
}

static uint32_t crc32_nibble(uint32_t crc, const uint8_t *p, size_t n)
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
 * file survives any failure.  The file replaced gives its mode (600 stays
 * 600); a new one gets 666 less the umask, as open(2) would give it. */
static int write_atomic(const char *path, const uint8_t *data, size_t len, Err *err)
{
    char tmp[NN_MAX_PATH];
    FILE *f;
    int fd, ok;
    struct stat st;
    mode_t mode;
    if (stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
        mode = st.st_mode & 07777;
    } else {
        mode_t um = umask(022); /* (read, and put back) */
        umask(um);
        mode = 0666 & ~um;
    }
    if (snprintf(tmp, sizeof tmp, "%s.tmp.XXXXXX", path) >= (int)sizeof tmp)
        return fail(err, path, "path too long");
    fd = mkstemp(tmp);
    if (fd < 0) return fail(err, path, "cannot create a temporary file beside it: %s", strerror(errno));
    (void)fchmod(fd, mode); /* (mkstemp makes 600) */
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

/* Follow symbolic links from `path` to the file they name, which need not
 * exist yet, into out (cap bytes).  0, or -1 with a message. */
static int follow_links(const char *path, char *out, size_t cap, Err *err)
{
    char cur[NN_MAX_PATH], tgt[NN_MAX_PATH];
    if (strlen(path) >= sizeof cur) return fail(err, path, "path too long");
    strcpy(cur, path);
    for (int hop = 0;; hop++) {
        struct stat st;
        ssize_t n;
        const char *slash;
        if (lstat(cur, &st) != 0 || !S_ISLNK(st.st_mode)) break;
        if (hop == 40) return fail(err, path, "too many levels of symbolic links");
        n = readlink(cur, tgt, sizeof tgt - 1);
        if (n < 0) return fail(err, path, "cannot read the symbolic link: %s", strerror(errno));
        tgt[n] = 0;
        slash = strrchr(cur, '/');
        if (tgt[0] != '/' && slash) { /* relative to the link's directory */
            size_t dl = (size_t)(slash - cur) + 1;
            if (dl + (size_t)n >= sizeof cur) return fail(err, path, "path too long");
            memmove(cur + dl, tgt, (size_t)n + 1);
        } else {
            memcpy(cur, tgt, (size_t)n + 1);
        }
    }
    if (strlen(cur) >= cap) return fail(err, path, "path too long");
    strcpy(out, cur);
    return 0;
}

/* Check, before any work is done, that the output `path` can be written:
 * "-" (standard output) always; a directory never; a device or FIFO when
 * it is writable; otherwise the directory must take a new file (tried by
 * creating and removing one, which also catches a read-only file system
 * and works for root).  0, or -1 with a message. */
static int check_output(const char *path, Err *err)
{
    char real[NN_MAX_PATH], probe[NN_MAX_PATH + 104];
    struct stat st;
    const char *slash;
    int fd;
    if (!strcmp(path, "-")) return 0;
    if (!*path) return fail(err, NULL, "an empty output path");
    if (stat(path, &st) == 0) { /* the kernel follows the links, /proc's too (/dev/stdout) */
        if (S_ISDIR(st.st_mode)) return fail(err, path, "is a directory; give a file name");
        if (!S_ISREG(st.st_mode))
            return access(path, W_OK) ? fail(err, path, "cannot write: %s", strerror(errno)) : 0;
        if (!(st.st_mode & 0222) || access(path, W_OK)) /* (replacing it needs only the directory: as cp, not mv) */
            return fail(err, path, "is write-protected (mode %03o): not replaced; chmod u+w it or remove it first",
                        (unsigned)(st.st_mode & 0777));
    }
    if (follow_links(path, real, sizeof real, err)) return -1;
    slash = strrchr(real, '/');
    snprintf(probe, sizeof probe, "%.*s.nn-probe.XXXXXX", slash ? (int)(slash - real + 1) : 0, real);
    if ((fd = mkstemp(probe)) < 0) return fail(err, path, "cannot write there: %s", strerror(errno));
    close(fd);
    unlink(probe);
    return 0;
}

/* Whether paths a and b name the same file: both "-" (standard output),
 * the same existing regular file (links followed), or the same new file.
 * An input path "-" (standard input) is never the same as an output. */
static int same_file(const char *a, const char *b)
{
    char ra[NN_MAX_PATH], rb[NN_MAX_PATH];
    struct stat sa, sb;
    int ea, eb;
    if (!strcmp(a, "-") || !strcmp(b, "-")) return !strcmp(a, b);
    if (follow_links(a, ra, sizeof ra, NULL) || follow_links(b, rb, sizeof rb, NULL)) return 0;
    ea = stat(ra, &sa) == 0, eb = stat(rb, &sb) == 0;
    if (ea && eb) return S_ISREG(sa.st_mode) && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
    if (ea || eb) return 0;
    { /* neither exists yet: the same directory and name */
        char da[NN_MAX_PATH], db[NN_MAX_PATH], *pa = strrchr(ra, '/'), *pb = strrchr(rb, '/');
        const char *na = pa ? pa + 1 : ra, *nb = pb ? pb + 1 : rb;
        if (pa) *pa = 0;
        if (pb) *pb = 0;
        if (!realpath(pa ? (*ra ? ra : "/") : ".", da) || !realpath(pb ? (*rb ? rb : "/") : ".", db)) return 0;
        return !strcmp(da, db) && !strcmp(na, nb);
    }
}

/* Write len bytes to the output `path`: "-" is standard output; a symbolic
 * link is followed to its target; a device or FIFO is written in place (so
 * /dev/full is a write error, not a regular file put in its place); a
 * regular file is replaced atomically, so the old one survives any
 * failure. */
static int write_output(const char *path, const uint8_t *data, size_t len, Err *err)
{
    char real[NN_MAX_PATH];
    struct stat st;
    int fd;
    size_t done = 0;
    if (!strcmp(path, "-")) {
        if (fwrite(data, 1, len, stdout) != len || fflush(stdout) != 0)
            return fail(err, NULL, "error writing to standard output: %s", strerror(errno));
        return 0;
    }
    if (stat(path, &st) != 0 || S_ISREG(st.st_mode)) {
        if (follow_links(path, real, sizeof real, err)) return -1;
        return write_atomic(real, data, len, err);
    }
    if (S_ISDIR(st.st_mode)) return fail(err, path, "is a directory; give a file name");
    if ((fd = open(path, O_WRONLY)) < 0) return fail(err, path, "cannot write: %s", strerror(errno));
    while (done < len) {
        ssize_t w = write(fd, data + done, len - done);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) {
            int e = w < 0 ? errno : EIO;
            close(fd);
            return fail(err, path, "write failed: %s", strerror(e));
        }
        done += (size_t)w;
    }
    if (close(fd) != 0) return fail(err, path, "write failed: %s", strerror(errno));
    return 0;
}

/* A growable byte buffer for writing files. */
typedef struct {
    uint8_t *p;
    size_t n, cap;
    int oom;
} Buf;

static void buf_put(Buf *b, const void *src, size_t n)
{
    if (b->oom) return;
    if (b->n + n > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        uint8_t *q;
        while (cap < b->n + n) cap *= 2;
        if (!(q = realloc(b->p, cap))) {
            b->oom = 1;
            return;
        }
        b->p = q, b->cap = cap;
    }
    if (n) memcpy(b->p + b->n, src, n); /* (src may be NULL when n is 0) */
    b->n += n;
}

/* Text into b, as printf formats it. */
#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static void buf_printf(Buf *b, const char *fmt, ...)
{
    char small[512];
    va_list ap;
    int n;
    va_start(ap, fmt);
    n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0) return;
    if ((size_t)n < sizeof small) {
        buf_put(b, small, (size_t)n);
        return;
    }
    buf_put(b, NULL, 0);
    if (b->oom) return;
    {
        char *big = malloc((size_t)n + 1);
        if (!big) {
            b->oom = 1;
            return;
        }
        va_start(ap, fmt);
        vsnprintf(big, (size_t)n + 1, fmt, ap);
        va_end(ap);
        buf_put(b, big, (size_t)n);
        free(big);
    }
}

static void buf_u32(Buf *b, uint32_t v)
{
    uint8_t t[4];
    put_le32(t, v);
    buf_put(b, t, 4);
}

static void buf_u64(Buf *b, uint64_t v) { buf_u32(b, (uint32_t)v), buf_u32(b, (uint32_t)(v >> 32)); }

static void buf_f64(Buf *b, double v)
{
    uint64_t u;
    memcpy(&u, &v, 8);
    buf_u64(b, u);
}

static void buf_floats(Buf *b, const float *p, size_t n)
{
    for (size_t i = 0; i < n; i++) buf_u32(b, f32_bits(p[i]));
}

/* ======================================================================== */
/* @@gzip gzip inflater                                                    */
/* ======================================================================== */

/* Format notes: gzip (RFC 1952) over DEFLATE (RFC 1951).  A gzip file is
 * one or more members: a 10-byte header (1F 8B, method 8, flags, mtime, xfl,
 * os), optional extra field, name, comment and header CRC per the flags, a
 * DEFLATE stream, then the CRC-32 and the length mod 2^32 of the data.
 * DEFLATE is a series of blocks: stored (byte-aligned LEN, ~LEN, bytes),
 * fixed Huffman, or dynamic Huffman (code lengths coded by a code-length
 * code).  The inflater reads through a 64-bit bit buffer with lookup tables
 * of 10 bits for the common short codes and a canonical decode (as zlib's
 * puff) for longer ones.  Every read is bounded: past the input it reads
 * zeros and then fails; matches cannot reach before the member's output;
 * the output is capped.  Every malformed stream is an error. */

#define INF_FAST 10

typedef struct {
    uint16_t count[16];  /* codes of each length */
    uint16_t symbol[320]; /* symbols ordered by code */
    uint16_t fast[1 << INF_FAST]; /* (length << 9 | symbol) + 1, or 0: longer code or none */
} Huff;

typedef struct {
    const uint8_t *in;
    size_t inlen, pos;
    uint64_t bits;
    int nbits, pad;      /* bits in the buffer; how many of them are padding past the input */
    uint8_t *out;
    size_t outlen, outcap, start; /* start: the current member's first output byte (counted from the first member's) */
    size_t maxout;
    size_t base;         /* streaming: the bytes given to the sink and dropped from out before out[0] */
    size_t flush_at;     /* streaming (a sink): out is handed on once this full */
    uint32_t crc;        /* streaming: the CRC-32 of the current member's bytes handed on */
    int (*sink)(void *ctx, const uint8_t *p, size_t n); /* streaming: takes the output; 0, or -1 to stop */
    void *ctx;
} Inflate;

#define INF_WINDOW 32768u        /* the farthest a match reaches back */
#define INF_CHUNK (1u << 20)     /* streaming: output handed on a MiB at a time */

/* Streaming: hand out[0, outlen - keep) on to the sink (its CRC-32 added
 * to the member's), keeping the last keep bytes for matches to reach.
 * 0, or -1 when the sink stops. */
static int inf_flush(Inflate *s, size_t keep)
{
    size_t n = s->outlen > keep ? s->outlen - keep : 0, from = s->start > s->base ? s->start - s->base : 0;
    if (!n) return 0;
    if (from < n) s->crc = crc32_update(s->crc, s->out + from, n - from);
    if (s->sink(s->ctx, s->out, n)) return -1;
    memmove(s->out, s->out + n, s->outlen - n);
    s->base += n, s->outlen -= n;
    return 0;
}

static void inf_refill(Inflate *s)
{
    while (s->nbits <= 56) {
        uint64_t byte = 0;
        if (s->pos < s->inlen) byte = s->in[s->pos++];
        else s->pad += 8;
        s->bits |= byte << s->nbits;
        s->nbits += 8;
    }
}

/* Take n <= 32 bits; -1 if that reaches past the input. */
static int64_t inf_bits(Inflate *s, int n)
{
    uint64_t v;
    if (s->nbits < n) inf_refill(s);
    v = s->bits & (((uint64_t)1 << n) - 1);
    s->bits >>= n, s->nbits -= n;
    if (s->nbits < s->pad) return -1;
    return (int64_t)v;
}

/* Build a Huffman decoder from n code lengths; returns 0 for a complete
 * code, > 0 for an incomplete one, -1 for an over-subscribed one. */
static int huff_build(Huff *h, const uint8_t *len, int n)
{
    uint16_t offs[16];
    int left = 1, code = 0;
    memset(h->count, 0, sizeof h->count);
    memset(h->fast, 0, sizeof h->fast);
    for (int k = 0; k < n; k++) h->count[len[k]]++;
    if (h->count[0] == n) return 0; /* no codes: complete, but decodes nothing */
    for (int l = 1; l < 16; l++) {
        left = left * 2 - h->count[l];
        if (left < 0) return -1;
    }
    offs[1] = 0;
    for (int l = 1; l < 15; l++) offs[l + 1] = (uint16_t)(offs[l] + h->count[l]);
    for (int k = 0; k < n; k++)
        if (len[k]) h->symbol[offs[len[k]]++] = (uint16_t)k;
    /* the fast table: canonical codes, bit-reversed (DEFLATE sends them MSB first) */
    for (int l = 1, idx = 0; l <= INF_FAST; l++, code <<= 1)
        for (int k = 0; k < h->count[l]; k++, code++, idx++) {
            int rev = 0;
            for (int b = 0; b < l; b++) rev |= ((code >> b) & 1) << (l - 1 - b);
            for (int f = rev; f < (1 << INF_FAST); f += 1 << l) h->fast[f] = (uint16_t)((l << 9 | h->symbol[idx]) + 1);
        }
    return left;
}

/* Decode one symbol; -1 on an invalid code or past the input. */
static int huff_decode(Inflate *s, const Huff *h)
{
    int code = 0, first = 0, index = 0;
    unsigned e;
    if (s->nbits < 15) inf_refill(s);
    e = h->fast[s->bits & ((1u << INF_FAST) - 1)];
    if (e) {
        int l = (int)((e - 1) >> 9);
        s->bits >>= l, s->nbits -= l;
        return s->nbits < s->pad ? -1 : (int)((e - 1) & 511);
    }
    for (int l = 1; l < 16; l++) { /* canonical decode, bit by bit */
        int cnt = h->count[l];
        code |= (int)(s->bits & 1), s->bits >>= 1, s->nbits--;
        if (code - cnt < first) return s->nbits < s->pad ? -1 : h->symbol[index + (code - first)];
        index += cnt, first += cnt, first <<= 1, code <<= 1;
    }
    return -1;
}

static int inf_grow(Inflate *s, size_t need)
{
    size_t cap = s->outcap ? s->outcap : 1 << 16;
    uint8_t *p;
    if (need <= s->outcap) return 0;
    if (need > s->maxout) return -1;
    while (cap < need) cap = cap > s->maxout / 2 ? s->maxout : cap * 2;
    if (!(p = realloc(s->out, cap))) return -1;
    s->out = p, s->outcap = cap;
    return 0;
}

/* Decode one Huffman block's symbols.  Returns 0 or an error message. */
static const char *inf_codes(Inflate *s, const Huff *lc, const Huff *dc)
{
    static const uint16_t lbase[29] = {3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31,
                                       35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258};
    static const uint8_t lext[29] = {0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0};
    static const uint16_t dbase[30] = {1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193,
                                       257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577};
    static const uint8_t dext[30] = {0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13};
    for (;;) {
        int sym = huff_decode(s, lc);
        if (s->sink && s->outlen >= s->flush_at && inf_flush(s, INF_WINDOW)) return "the reader stopped";
        if (sym < 0) return "invalid literal/length code, or the data ends";
        if (sym < 256) {
            if (s->outlen == s->outcap && inf_grow(s, s->outlen + 1)) return "output too large or out of memory";
            s->out[s->outlen++] = (uint8_t)sym;
        } else if (sym == 256) {
            return NULL;
        } else {
            int64_t e;
            size_t len, dist;
            sym -= 257;
            if (sym >= 29) return "invalid length symbol";
            if ((e = inf_bits(s, lext[sym])) < 0) return "the data ends inside a match";
            len = lbase[sym] + (size_t)e;
            if ((sym = huff_decode(s, dc)) < 0) return "invalid distance code, or the data ends";
            if (sym >= 30) return "invalid distance symbol";
            if ((e = inf_bits(s, dext[sym])) < 0) return "the data ends inside a match";
            dist = dbase[sym] + (size_t)e;
            if (dist > s->base + s->outlen - s->start) return "a match reaches back before the start of the data";
            if (s->outlen + len > s->outcap && inf_grow(s, s->outlen + len)) return "output too large or out of memory";
            {
                uint8_t *d = s->out + s->outlen;
                const uint8_t *from = d - dist;
                if (dist == 1) memset(d, *from, len);
                else if (dist >= len) memcpy(d, from, len);
                else for (size_t k = 0; k < len; k++) d[k] = from[k];
            }
            s->outlen += len;
        }
    }
}

/* Inflate one DEFLATE stream at s->pos.  Returns NULL or an error. */
static const char *inf_stream(Inflate *s)
{
    static const uint8_t order[19] = {16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15};
    Huff *lc = malloc(sizeof *lc), *dc = malloc(sizeof *dc);
    const char *why = NULL;
    int64_t last = 0, type;
    s->bits = 0, s->nbits = 0, s->pad = 0;
    if (!lc || !dc) why = "out of memory";
    while (!why && !last) {
        if ((last = inf_bits(s, 1)) < 0 || (type = inf_bits(s, 2)) < 0) {
            why = "the data ends inside a block header";
            break;
        }
        if (type == 0) { /* stored: drop to a byte boundary, give back whole buffered bytes */
            size_t len;
            s->bits >>= s->nbits & 7, s->nbits -= s->nbits & 7;
            if (s->nbits < s->pad) {
                why = "the data ends inside a block header";
                break;
            }
            s->pos -= (size_t)(s->nbits - s->pad) / 8, s->bits = 0, s->nbits = 0, s->pad = 0;
            if (s->inlen - s->pos < 4) {
                why = "the data ends inside a stored block";
                break;
            }
            len = (size_t)s->in[s->pos] | (size_t)s->in[s->pos + 1] << 8;
            if ((len ^ 0xffff) != ((size_t)s->in[s->pos + 2] | (size_t)s->in[s->pos + 3] << 8)) {
                why = "stored block length does not match its complement";
                break;
            }
            s->pos += 4;
            if (s->inlen - s->pos < len) {
                why = "the data ends inside a stored block";
                break;
            }
            if (s->sink && s->outlen >= s->flush_at && inf_flush(s, INF_WINDOW)) {
                why = "the reader stopped";
                break;
            }
            if (len && inf_grow(s, s->outlen + len)) { /* an empty block adds nothing (out may still be NULL) */
                why = "output too large or out of memory";
                break;
            }
            if (len) memcpy(s->out + s->outlen, s->in + s->pos, len);
            s->outlen += len, s->pos += len;
        } else if (type == 1) { /* fixed Huffman codes */
            uint8_t l[320];
            for (int k = 0; k < 288; k++) l[k] = k < 144 ? 8 : k < 256 ? 9 : k < 280 ? 7 : 8;
            huff_build(lc, l, 288);
            for (int k = 0; k < 30; k++) l[k] = 5;
            huff_build(dc, l, 30);
            why = inf_codes(s, lc, dc);
        } else if (type == 2) { /* dynamic Huffman codes */
            uint8_t l[320];
            int64_t nlen = inf_bits(s, 5), ndist = inf_bits(s, 5), ncode = inf_bits(s, 4);
            int k = 0, err;
            if (nlen < 0 || ndist < 0 || ncode < 0) {
                why = "the data ends inside a block header";
                break;
            }
            nlen += 257, ndist += 1, ncode += 4;
            if (nlen > 286 || ndist > 30) {
                why = "too many length or distance codes";
                break;
            }
            memset(l, 0, sizeof l);
            for (k = 0; k < ncode; k++) {
                int64_t v = inf_bits(s, 3);
                if (v < 0) break;
                l[order[k]] = (uint8_t)v;
            }
            if (k < ncode) {
                why = "the data ends inside a block header";
                break;
            }
            if (huff_build(lc, l, 19) != 0) {
                why = "the code-length code is incomplete or over-subscribed";
                break;
            }
            for (k = 0; k < nlen + ndist && !why;) {
                int sym = huff_decode(s, lc), rep = 0;
                uint8_t v = 0;
                int64_t e;
                if (sym < 0) why = "invalid code-length code, or the data ends";
                else if (sym < 16) l[k++] = (uint8_t)sym;
                else {
                    if (sym == 16) {
                        if (k == 0) why = "a repeat with no previous length";
                        else if ((e = inf_bits(s, 2)) < 0) why = "the data ends inside a block header";
                        else v = l[k - 1], rep = 3 + (int)e;
                    } else if ((e = inf_bits(s, sym == 17 ? 3 : 7)) < 0) {
                        why = "the data ends inside a block header";
                    } else {
                        rep = (sym == 17 ? 3 : 11) + (int)e;
                    }
                    if (!why && k + rep > nlen + ndist) why = "code lengths run past their count";
                    while (!why && rep--) l[k++] = v;
                }
            }
            if (why) break;
            if (l[256] == 0) {
                why = "no end-of-block code";
                break;
            }
            /* an incomplete code is allowed only as a single code of length 1 (as puff) */
            err = huff_build(lc, l, (int)nlen);
            if (err < 0 || (err > 0 && nlen != lc->count[0] + lc->count[1])) {
                why = "the literal/length code is incomplete or over-subscribed";
                break;
            }
            err = huff_build(dc, l + nlen, (int)ndist);
            if (err < 0 || (err > 0 && ndist != dc->count[0] + dc->count[1])) {
                why = "the distance code is incomplete or over-subscribed";
                break;
            }
            why = inf_codes(s, lc, dc);
        } else {
            why = "invalid block type 3";
        }
    }
    if (!why) /* give back the whole bytes read ahead into the bit buffer */
        s->pos -= (size_t)((s->nbits - s->pad) / 8);
    free(lc), free(dc);
    return why;
}

/* Decompress a gzip file image (one or more members) into a malloc'd
 * buffer of at most maxout bytes, checking each member's CRC-32 and length;
 * or, given a sink, into the sink a MiB at a time (out and outlen not
 * set), the output's size then unbounded.  Returns 0, or -1 with a message
 * naming the member and byte offset. */
static int gunzip_to(const uint8_t *in, size_t inlen, size_t maxout, const char *name, uint8_t **out, size_t *outlen,
                     int (*sink)(void *, const uint8_t *, size_t), void *ctx, Err *err)
{
    Inflate s;
    int member = 0;
    memset(&s, 0, sizeof s);
    s.in = in, s.inlen = inlen, s.maxout = sink ? INF_CHUNK + (1u << 17) : maxout;
    s.sink = sink, s.ctx = ctx, s.flush_at = sink ? INF_CHUNK : SIZE_MAX;
    while (s.pos < inlen) {
        size_t h = s.pos;
        int flg;
        const char *why;
        member++;
        if (inlen - h < 18 || in[h] != 0x1f || in[h + 1] != 0x8b) {
            free(s.out);
            return fail(err, name, "gzip member %d at byte %zu: %s", member, h,
                        inlen - h < 18 ? "truncated header" : "not a gzip header (trailing garbage?)");
        }
        if (in[h + 2] != 8 || (in[h + 3] & 0xe0)) {
            free(s.out);
            return fail(err, name, "gzip member %d: unknown compression method or flags", member);
        }
        flg = in[h + 3];
        s.pos = h + 10;
        if (flg & 4) { /* FEXTRA */
            size_t xlen = (size_t)in[s.pos] | (size_t)in[s.pos + 1] << 8;
            if (inlen - s.pos < xlen + 2) {
                free(s.out);
                return fail(err, name, "gzip member %d: truncated extra field", member);
            }
            s.pos += 2 + xlen;
        }
        for (int f = 8; f <= 16; f += 8) /* FNAME, FCOMMENT: zero-terminated */
            if (flg & f) {
                const uint8_t *z = s.pos < inlen ? memchr(in + s.pos, 0, inlen - s.pos) : NULL;
                if (!z) {
                    free(s.out);
                    return fail(err, name, "gzip member %d: unterminated file name or comment", member);
                }
                s.pos = (size_t)(z - in) + 1;
            }
        if (flg & 2) { /* FHCRC: the low 16 bits of the header's CRC-32 */
            if (inlen - s.pos < 2 ||
                (crc32_update(0, in + h, s.pos - h) & 0xffff) != ((uint32_t)in[s.pos] | (uint32_t)in[s.pos + 1] << 8)) {
                free(s.out);
                return fail(err, name, "gzip member %d: header checksum mismatch", member);
            }
            s.pos += 2;
        }
        s.start = s.base + s.outlen, s.crc = 0;
        if ((why = inf_stream(&s))) {
            free(s.out);
            return fail(err, name, "gzip member %d: %s", member, why);
        }
        if (inlen - s.pos < 8) {
            free(s.out);
            return fail(err, name, "gzip member %d: truncated (no CRC and length trailer)", member);
        }
        {
            size_t from = s.start > s.base ? s.start - s.base : 0;
            if ((s.outlen > from ? crc32_update(s.crc, s.out + from, s.outlen - from) : s.crc) != get_le32(in + s.pos)) {
                free(s.out);
                return fail(err, name, "gzip member %d: CRC-32 mismatch: the data is corrupted", member);
            }
        }
        if ((uint32_t)(s.base + s.outlen - s.start) != get_le32(in + s.pos + 4)) {
            free(s.out);
            return fail(err, name, "gzip member %d: length mismatch", member);
        }
        s.pos += 8;
    }
    if (sink) { /* the rest: every member checked */
        s.start = s.base + s.outlen; /* (no member's CRC to add to) */
        int stopped = inf_flush(&s, 0);
        free(s.out);
        return stopped ? fail(err, name, "the reader stopped") : 0;
    }
    if (!s.out && !(s.out = malloc(1))) return fail(err, name, "out of memory");
    *out = s.out, *outlen = s.outlen;
    return 0;
}

static int gunzip(const uint8_t *in, size_t inlen, size_t maxout, const char *name, uint8_t **out, size_t *outlen, Err *err)
{
    return gunzip_to(in, inlen, maxout, name, out, outlen, NULL, NULL, err);
}

/* ======================================================================== */
/* @@png deflate, PNG and pictures                                       */
/* ======================================================================== */

/* Format notes: zlib (RFC 1950) and PNG (ISO/IEC 15948).  nn's own DEFLATE
 * writer (RFC 1951): greedy LZ77 over a 32 KiB window with a hash of each
 * 3-byte string and chains of earlier ones (at most DEF_CHAIN tried), coded
 * with the fixed Huffman codes, one final block; so pictures with runs and
 * repeats shrink and noise stays about its size.  The zlib stream: CMF 0x78
 * (deflate, 32 KiB window), FLG 0x01 (no dictionary; CMF*256+FLG a multiple
 * of 31), the DEFLATE data, the Adler-32 of the data, big-endian.  A PNG:
 * the signature 89 50 4E 47 0D 0A 1A 0A, then chunks (length, 4 bytes
 * big-endian; type; data; CRC-32 of type and data): IHDR (width, height,
 * bit depth 8, colour type 0 grey or 2 RGB, compression 0, filter 0,
 * interlace 0), one IDAT (the zlib stream of the scanlines, each after a
 * filter byte: None, Sub, Up, Average or Paeth, whichever has the smallest
 * sum of absolute values, as libpng's heuristic), IEND. */

#define DEF_WINDOW 32768
#define DEF_HASH (1 << 15)
#define DEF_CHAIN 64

typedef struct {
    Buf *b;
    uint64_t bits;
    int n;
} BitOut;

/* n bits of v, least significant first (DEFLATE's order of fields). */
static void bits_put(BitOut *o, uint32_t v, int n)
{
    o->bits |= (uint64_t)v << o->n;
    o->n += n;
    while (o->n >= 8) {
        uint8_t c = (uint8_t)o->bits;
        buf_put(o->b, &c, 1);
        o->bits >>= 8;
        o->n -= 8;
    }
}

/* A Huffman code of n bits, most significant bit first. */
static void bits_code(BitOut *o, uint32_t code, int n)
{
    uint32_t r = 0;
    for (int i = 0; i < n; i++) r |= ((code >> i) & 1u) << (n - 1 - i);
    bits_put(o, r, n);
}

/* Literal or length symbol s (0..287) in the fixed code. */
static void def_symbol(BitOut *o, int s)
{
    if (s < 144) bits_code(o, 0x30u + (uint32_t)s, 8);
    else if (s < 256) bits_code(o, 0x190u + (uint32_t)(s - 144), 9);
    else if (s < 280) bits_code(o, (uint32_t)(s - 256), 7);
    else bits_code(o, 0xc0u + (uint32_t)(s - 280), 8);
}

static const uint16_t def_len_base[29] = {3,  4,  5,  6,  7,  8,  9,  10, 11,  13,  15,  17,  19,  23, 27,
                                          31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258};
static const uint8_t def_len_extra[29] = {0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0};
static const uint16_t def_dist_base[30] = {1,   2,   3,   4,   5,   7,    9,    13,   17,   25,   33,   49,   65,    97,    129,
                                           193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577};
static const uint8_t def_dist_extra[30] = {0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13};

/* A match of len (3..258) at distance dist (1..32768). */
static void def_match(BitOut *o, size_t len, size_t dist)
{
    int l = 28, d = 29;
    while (def_len_base[l] > len) l--;
    def_symbol(o, 257 + l);
    bits_put(o, (uint32_t)(len - def_len_base[l]), def_len_extra[l]);
    while (def_dist_base[d] > dist) d--;
    bits_code(o, (uint32_t)d, 5);
    bits_put(o, (uint32_t)(dist - def_dist_base[d]), def_dist_extra[d]);
}

static uint32_t def_hash(const uint8_t *p) { return ((uint32_t)p[0] << 10 ^ (uint32_t)p[1] << 5 ^ p[2]) & (DEF_HASH - 1); }

/* p[0..n) as one final fixed-Huffman DEFLATE block, appended to b (its oom
 * flag set when memory runs out). */
static void deflate_fixed(Buf *b, const uint8_t *p, size_t n)
{
    BitOut o = {b, 0, 0};
    int32_t *head = malloc(DEF_HASH * sizeof *head), *prev = malloc(DEF_WINDOW * sizeof *prev);
    if (!head || !prev) {
        free(head);
        free(prev);
        b->oom = 1;
        return;
    }
    for (size_t i = 0; i < DEF_HASH; i++) head[i] = -1;
    bits_put(&o, 1, 1); /* BFINAL */
    bits_put(&o, 1, 2); /* BTYPE 01: fixed codes */
    for (size_t i = 0; i < n;) {
        size_t best = 0, dist = 0;
        if (i + 3 <= n) {
            uint32_t h = def_hash(p + i);
            int32_t c = head[h];
            size_t maxlen = n - i < 258 ? n - i : 258;
            for (int tries = 0; c >= 0 && i - (size_t)c <= DEF_WINDOW && tries < DEF_CHAIN; tries++) {
                size_t l = 0;
                while (l < maxlen && p[(size_t)c + l] == p[i + l]) l++;
                if (l > best) {
                    best = l;
                    dist = i - (size_t)c;
                    if (l == maxlen) break;
                }
                c = prev[(size_t)c % DEF_WINDOW];
            }
        }
        if (best < 3) best = 1;
        for (size_t k = 0; k < best; k++) { /* every position joins the hash chains */
            if (i + k + 3 <= n) {
                uint32_t h = def_hash(p + i + k);
                prev[(i + k) % DEF_WINDOW] = head[h];
                head[h] = (int32_t)(i + k);
            }
        }
        if (best >= 3) def_match(&o, best, dist);
        else def_symbol(&o, p[i]);
        i += best;
    }
    def_symbol(&o, 256); /* end of block */
    if (o.n) bits_put(&o, 0, 8 - o.n);
    free(head);
    free(prev);
}

static uint32_t adler32(const uint8_t *p, size_t n)
{
    uint32_t a = 1, s = 0;
    while (n) {
        size_t k = n < 5552 ? n : 5552; /* (the most bytes before s can overflow) */
        n -= k;
        while (k--) {
            a += *p++;
            s += a;
        }
        a %= 65521;
        s %= 65521;
    }
    return s << 16 | a;
}

static void buf_be32(Buf *b, uint32_t v)
{
    uint8_t t[4] = {(uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v};
    buf_put(b, t, 4);
}

/* p[0..n) as a zlib stream, appended to b. */
static void zlib_compress(Buf *b, const uint8_t *p, size_t n)
{
    static const uint8_t head[2] = {0x78, 0x01};
    buf_put(b, head, 2);
    deflate_fixed(b, p, n);
    buf_be32(b, adler32(p, n));
}

/* A PNG chunk: length, type, data, CRC-32 of type and data. */
static void png_chunk(Buf *b, const char *type, const uint8_t *data, size_t n)
{
    uint32_t crc;
    buf_be32(b, (uint32_t)n);
    buf_put(b, type, 4);
    if (n) buf_put(b, data, n);
    crc = crc32_update(0, (const uint8_t *)type, 4);
    buf_be32(b, crc32_update(crc, data, n));
}

static int paeth(int a, int b, int c)
{
    int p = a + b - c, pa = abs(p - a), pb = abs(p - b), pc = abs(p - c);
    return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/* A w x h picture of ch channels (1 grey, 3 RGB), 8 bits each, row by row,
 * as a PNG file image in b (w, h at most 65535).  0, or -1 out of memory. */
static int png_encode(Buf *b, const uint8_t *pix, size_t w, size_t h, int ch)
{
    static const uint8_t sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    size_t stride = w * (size_t)ch, n = (stride + 1) * h;
    uint8_t ihdr[13], *raw = malloc(n ? n : 1), *tryrow = malloc(stride + 1);
    Buf z = {NULL, 0, 0, 0};
    if (!raw || !tryrow) {
        free(raw);
        free(tryrow);
        return -1;
    }
    for (size_t y = 0; y < h; y++) { /* each row with the filter of least absolute sum */
        const uint8_t *cur = pix + y * stride, *up = y ? pix + (y - 1) * stride : NULL;
        uint8_t *dst = raw + y * (stride + 1);
        uint64_t best = UINT64_MAX;
        for (int f = 0; f < 5; f++) {
            uint64_t sum = 0;
            tryrow[0] = (uint8_t)f;
            for (size_t i = 0; i < stride; i++) {
                int a = i >= (size_t)ch ? cur[i - (size_t)ch] : 0, u = up ? up[i] : 0;
                int c = up && i >= (size_t)ch ? up[i - (size_t)ch] : 0;
                int pred = f == 0 ? 0 : f == 1 ? a : f == 2 ? u : f == 3 ? (a + u) / 2 : paeth(a, u, c);
                uint8_t v = (uint8_t)(cur[i] - pred);
                tryrow[i + 1] = v;
                sum += v < 128 ? v : 256u - v;
            }
            if (sum < best) {
                best = sum;
                memcpy(dst, tryrow, stride + 1);
            }
        }
    }
    free(tryrow);
    zlib_compress(&z, raw, n);
    free(raw);
    buf_put(b, sig, 8);
    put_be32(ihdr, (uint32_t)w);
    put_be32(ihdr + 4, (uint32_t)h);
    ihdr[8] = 8; /* bit depth */
    ihdr[9] = ch == 3 ? 2 : 0; /* colour type: RGB or grey */
    ihdr[10] = ihdr[11] = ihdr[12] = 0;
    png_chunk(b, "IHDR", ihdr, 13);
    png_chunk(b, "IDAT", z.p, z.n);
    png_chunk(b, "IEND", NULL, 0);
    free(z.p);
    return z.oom || b->oom ? -1 : 0;
}

/* A picture being drawn: w x h RGB pixels, row by row (owned). */
typedef struct {
    size_t w, h;
    uint8_t *p;
} Canvas;

#define NN_MAX_PICTURE ((size_t)1 << 27) /* pixels of one picture (128 Mi: 384 MiB) */

/* A w x h canvas of one grey; -1 when it is larger than NN_MAX_PICTURE or
 * out of memory. */
static int canvas_new(Canvas *c, size_t w, size_t h, uint8_t grey)
{
    size_t n;
    c->w = w;
    c->h = h;
    c->p = NULL;
    if (!w || !h || w > 65535 || h > 65535 || mul_ok(w, h, &n) || n > NN_MAX_PICTURE) return -1;
    if (!(c->p = malloc(n * 3))) return -1;
    memset(c->p, grey, n * 3);
    return 0;
}

/* The rectangle (x, y, w, h), cut at the canvas's edges, in colour rgb. */
static void canvas_fill(Canvas *c, size_t x, size_t y, size_t w, size_t h, const uint8_t *rgb)
{
    for (size_t j = y; j < y + h && j < c->h; j++)
        for (size_t i = x; i < x + w && i < c->w; i++) memcpy(c->p + (j * c->w + i) * 3, rgb, 3);
}

/* A diverging colour map: v / scale from -1 (blue) through 0 (white) to +1
 * (red), clipped; ColorBrewer's RdBu ends and middle. */
static void diverging(float v, float scale, uint8_t *rgb)
{
    static const float neg[3] = {33, 102, 172}, mid[3] = {247, 247, 247}, pos[3] = {178, 24, 43};
    float t = scale > 0 && isfinite(v) ? v / scale : 0;
    const float *end = t < 0 ? neg : pos;
    t = t < 0 ? -t : t;
    t = t > 1 ? 1 : t;
    for (int k = 0; k < 3; k++) rgb[k] = (uint8_t)(mid[k] + (end[k] - mid[k]) * t + 0.5f);
}

/* Text in a 3x5 pixel font (digits, letters in capitals, and " -+.:()/%,'_=?!#*<>"), each pixel z x z, left to
 * right from (x, y); a lower-case letter is drawn as its capital, other characters are left blank. */
static void canvas_text(Canvas *c, size_t x, size_t y, const char *s, size_t z, const uint8_t *rgb)
{
    static const char chars[] = "0123456789-+.ABCDEFGHIJKLMNOPQRSTUVWXYZ:()/%,'_=?!#*<>";
    static const uint16_t glyph[] = {/* 5 rows of 3 bits, the top row in the highest bits */
                                     075557, 026227, 071747, 071717, 055711, 074717, 074757, 071111, 075757, 075717,
                                     000700, 002720, 000002, 025755, 065656, 034443, 065556, 074647, 074644, 034553,
                                     055755, 072227, 011152, 055655, 044447, 057555, 075555, 025552, 065644, 025563,
                                     065655, 034216, 072222, 055557, 055552, 055775, 055255, 055222, 071247, 002020,
                                     012221, 042224, 011244, 051245, 000024, 022000, 000007, 007070, 061202, 022202,
                                     057575, 052725, 012421, 042124};
    _Static_assert(sizeof glyph / sizeof *glyph == sizeof chars - 1, "a glyph for each character");
    for (; *s; s++, x += 4 * z) {
        int ch = *s >= 'a' && *s <= 'z' ? *s - 'a' + 'A' : *s;
        const char *k = ch ? strchr(chars, ch) : NULL;
        if (!k) continue;
        for (int r = 0; r < 5; r++)
            for (int b = 0; b < 3; b++)
                if (glyph[k - chars] >> ((4 - r) * 3 + (2 - b)) & 1) canvas_fill(c, x + (size_t)b * z, y + (size_t)r * z, z, z, rgb);
    }
}

/* The width of that text. */
static size_t text_width(const char *s, size_t z) { return *s ? (strlen(s) * 4 - 1) * z : 0; }

/* A legend under a picture drawn with diverging(., scale): a colour bar
 * from -scale to +scale, labelled at both ends and at 0, in the rows from
 * y (LEGEND_H of them), across columns [x, x + w) (canvas_legend: all). */
#define LEGEND_H 24
static void canvas_legend_at(Canvas *c, size_t x, size_t w, size_t y, float scale)
{
    static const uint8_t ink[3] = {0, 0, 0};
    size_t bw = w > 40 ? (w - 20 < 256 ? w - 20 : 256) : w, x0 = x + (w - bw) / 2;
    char lo[32], hi[32];
    uint8_t rgb[3];
    for (size_t i = 0; i < bw; i++) {
        diverging(((float)i / (float)(bw > 1 ? bw - 1 : 1) * 2 - 1) * scale, scale, rgb);
        canvas_fill(c, x0 + i, y + 2, 1, 8, rgb);
    }
    snprintf(lo, sizeof lo, "%.2g", -(double)scale);
    snprintf(hi, sizeof hi, "+%.2g", (double)scale);
    canvas_text(c, x0, y + 13, lo, 2, ink);
    canvas_text(c, x0 + bw / 2 - 2, y + 13, "0", 2, ink);
    if (text_width(hi, 2) <= bw) canvas_text(c, x0 + bw - text_width(hi, 2), y + 13, hi, 2, ink);
}

static void canvas_legend(Canvas *c, size_t y, float scale) { canvas_legend_at(c, 0, c->w, y, scale); }

/* The canvas as a PNG file image in b: 0, or -1 out of memory. */
static int canvas_png(const Canvas *c, Buf *b) { return png_encode(b, c->p, c->w, c->h, 3); }

/* Write the canvas to path as PNG (atomically, write_output) and free it. */
static int canvas_write(Canvas *c, const char *path, Err *err)
{
    Buf b = {NULL, 0, 0, 0};
    int rc = canvas_png(c, &b) ? fail(err, path, "out of memory") : write_output(path, b.p, b.n, err);
    free(c->p), free(b.p);
    c->p = NULL;
    return rc;
}

/* ======================================================================== */
/* @@kernels kernels                                                       */
/* ======================================================================== */

/* Three kernels do the arithmetic of dense layers, and k_wgrad and
 * k_convfwd (below them) that of convolutions' weight gradient and forward
 * pass.  Every matrix is row-major with rows padded to a multiple of NN_PAD floats; the
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
 * -- the textbook's BP4, dC/dw^l_jk = a^{l-1}_k delta^l_j, and BP3,
 * dC/db^l_j = delta^l_j, for every example of the batch at once --
 * then either (G != NULL) G[j][i] = g, or the SGD step
 *   W[j][i] = decay * W[j][i] - c * g     (decay = 1 - eta * lambda / n: L2)
 * (decay == 1 leaves W's own rounding untouched: 1 * w == w).
 * The biases are done only when Gb (gradient) or bias (step) is non-NULL.
 * D (m, ldd), X (m, n), W and G (*, n); i0, i1 multiples of NN_PAD. */
NN_MAYBE_UNUSED static void k_update_ref(const float *D, size_t ldd, size_t m, const float *X, size_t n, size_t i0,
                                         size_t i1, float c, float decay, float *W, float *bias, size_t j0, size_t j1,
                                         float *G, float *Gb)
{
    for (size_t j = j0; j < j1; j++) {
        for (size_t i = i0; i < i1; i++) {
            float g = 0;
            for (size_t b = 0; b < m; b++) g += D[b * ldd + j] * X[b * n + i];
            if (G) G[j * n + i] = g;
            else W[j * n + i] = decay * W[j * n + i] - c * g;
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

/* P[b][i] = sum_{j < nout} D[b][j] * W[j][i]  for b < m, i0 <= i < i1:
 * the first half of the textbook's BP2, (w^{l+1})^T delta^{l+1}, whose
 * product with sigma'(z^l) train_step takes ("d *= f'(z)").
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

/* One image's share of a convolution's weight gradient: k_update's over
 * its P positions.  For weight rows j0 <= j < j1 and all n columns,
 *   G[j][i] = sum_{p < P} D[p*ldd + j] * X[p*n + i]    (first)
 * or G[j][i] += that sum, and the biases' Gb[j] likewise with the sum of
 * D[.][j].  X (the patches) rows are n floats, a multiple of NN_PAD. */
NN_MAYBE_UNUSED static void k_wgrad_ref(const float *D, size_t ldd, size_t P, const float *X, size_t n, size_t j0,
                                        size_t j1, float *G, float *Gb, int first)
{
    for (size_t j = j0; j < j1; j++) {
        float gb = 0;
        for (size_t i = 0; i < n; i++) {
            float g = 0;
            for (size_t p = 0; p < P; p++) g += D[p * ldd + j] * X[p * n + i];
            G[j * n + i] = first ? g : G[j * n + i] + g;
        }
        for (size_t p = 0; p < P; p++) gb += D[p * ldd + j];
        if (NN_FAULT == 3) gb = 0;
        Gb[j] = first ? gb : Gb[j] + gb;
    }
}

/* A convolution's forward pass over one image without building its
 * patches (implicit im2col): x (ihp, iwp, ic), channel-last, already padded;
 * WT (K, ldo) the kernels' transpose, K = k * k * ic in (dy, dx, channel)
 * order; for each output position p = (oy, ox) and map c < oc
 *   y[p * oc + c] = (sum_{j < K} x[(oy + dy_j) * iwp + ox + dx_j][i_j] * WT[j][c]) + B[c],
 * the sum from j = 0 up, as k_backprop sums a patch row (so the two ways
 * give the same bits); with relu, ReLU's max(y, 0) (as act_relu: the
 * activation pass then left out).  Z is the fast kernel's scratch: (P + 8) x 64 floats. */
NN_MAYBE_UNUSED static void k_convfwd_ref(const float *x, size_t iwp, size_t ic, size_t k, size_t oh, size_t ow,
                                          const float *WT, size_t ldo, size_t oc, const float *B, int relu, float *y, float *Z)
{
    size_t run = k * ic;
    (void)Z;
    for (size_t oy = 0; oy < oh; oy++)
        for (size_t ox = 0; ox < ow; ox++)
            for (size_t c = 0; c < oc; c++) {
                float s = 0;
                for (size_t dy = 0; dy < k; dy++)
                    for (size_t t = 0; t < run; t++) s += x[((oy + dy) * iwp + ox) * ic + t] * WT[(dy * run + t) * ldo + c];
                s += B[c];
                y[(oy * ow + ox) * oc + c] = relu && !(s > 0) ? 0.0f : s;
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
#define V_MUL(a, b) _mm512_mul_ps(a, b)
#define V_ADD(a, b) _mm512_add_ps(a, b)
#define V_SUB(a, b) _mm512_sub_ps(a, b)
#define V_RELU(a) _mm512_max_ps(a, _mm512_setzero_ps()) /* act_relu's bits: 0 (second operand) for -0 and NaN too */
#define V_FMA(a, b, c) _mm512_fmadd_ps(a, b, c)  /* a*b + c */
#define V_FNMA(a, b, c) _mm512_fnmadd_ps(a, b, c) /* c - a*b */
#define V_STOREU(p, v) _mm512_storeu_ps(p, v)
#define V_LOADU(p) _mm512_loadu_ps(p)
#define V_LOAD_FIRST(p, n) _mm512_maskz_loadu_ps((__mmask16)((1u << (n)) - 1), p) /* lanes 0 .. n-1, the rest 0 */
#define V_STORE_FIRST(p, v, n) _mm512_mask_storeu_ps(p, (__mmask16)((1u << (n)) - 1), v) /* lanes 0 .. n-1 */
NN_INLINE float v_hsum(vec v) { return _mm512_reduce_add_ps(v); }
#else
typedef __m256 vec;
#define V_LOAD(p) _mm256_load_ps(p)
#define V_STORE(p, v) _mm256_store_ps(p, v)
#define V_SET1(x) _mm256_set1_ps(x)
#define V_ZERO() _mm256_setzero_ps()
#define V_MUL(a, b) _mm256_mul_ps(a, b)
#define V_ADD(a, b) _mm256_add_ps(a, b)
#define V_SUB(a, b) _mm256_sub_ps(a, b)
#define V_RELU(a) _mm256_max_ps(a, _mm256_setzero_ps())
#define V_FMA(a, b, c) _mm256_fmadd_ps(a, b, c)
#define V_FNMA(a, b, c) _mm256_fnmadd_ps(a, b, c)
#define V_STOREU(p, v) _mm256_storeu_ps(p, v)
#define V_LOADU(p) _mm256_loadu_ps(p)
#define V_LOAD_FIRST(p, n) _mm256_maskload_ps(p, _mm256_cmpgt_epi32(_mm256_set1_epi32((int)(n)), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7)))
#define V_STORE_FIRST(p, v, n) _mm256_maskstore_ps(p, _mm256_cmpgt_epi32(_mm256_set1_epi32((int)(n)), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7)), v)
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
                        float c, float decay, float *W, size_t j, float *G)
{
    vec vc = V_SET1(c), vd = V_SET1(decay);
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
            else V_STORE(W + o, V_FNMA(vc, acc[r], V_MUL(vd, V_LOAD(W + o))));
        }
    }
}

static void k_update(const float *D, size_t ldd, size_t m, const float *X, size_t n, size_t i0, size_t i1, float c,
                     float decay, float *W, float *bias, size_t j0, size_t j1, float *G, float *Gb)
{
    size_t j = j0;
    for (; j + 4 <= j1; j += 4) upd_tile(4, D, ldd, m, X, n, i0, i1, c, decay, W, j, G);
    for (; j < j1; j++) upd_tile(1, D, ldd, m, X, n, i0, i1, c, decay, W, j, G);
    if (Gb || bias)
        for (j = j0; j < j1; j++) {
            float gb = 0;
            for (size_t b = 0; b < m; b++) gb += D[b * ldd + j];
            if (NN_FAULT == 3) gb = 0;
            if (Gb) Gb[j] = gb;
            else bias[j] -= c * gb;
        }
}

/* rb rows x cb vector blocks of k_backprop at row b, column i: rb * cb
 * independent chains (16 in the main tile) over the nout terms. */
NN_INLINE void bp_tile(int rb, int cb, const float *D, size_t ldd, const float *W, size_t n, size_t nout, size_t i,
                       float *P)
{
    vec acc[8][4]; /* rb <= 8 with cb <= 3; rb <= 4 with cb = 4 */
    for (int q = 0; q < rb; q++)
        for (int k = 0; k < cb; k++) acc[q][k] = V_ZERO();
    for (size_t j = 0; j < nout; j++) {
        vec w[4];
        for (int k = 0; k < cb; k++) w[k] = V_LOAD(W + j * n + i + k * NN_VW);
        for (int q = 0; q < rb; q++) {
            vec dv = V_SET1(D[q * ldd + j]);
            for (int k = 0; k < cb; k++) acc[q][k] = V_FMA(dv, w[k], acc[q][k]);
        }
    }
    for (int q = 0; q < rb; q++)
        for (int k = 0; k < cb; k++) V_STORE(P + q * n + i + k * NN_VW, acc[q][k]);
}

static void k_backprop(const float *D, size_t ldd, size_t m, const float *W, size_t n, size_t nout,
                       size_t i0, size_t i1, float *P)
{
    size_t b = 0, i;
    if (i0 < i1 && i1 - i0 <= 3 * NN_VW && NN_VW == 16) /* narrow (a convolution's maps): 8 rows a tile, fewer loads per FMA */
        for (; b + 8 <= m; b += 8) {
            if (i0 + 3 * NN_VW == i1) bp_tile(8, 3, D + b * ldd, ldd, W, n, nout, i0, P + b * n);
            else if (i0 + 2 * NN_VW == i1) bp_tile(8, 2, D + b * ldd, ldd, W, n, nout, i0, P + b * n);
            else bp_tile(8, 1, D + b * ldd, ldd, W, n, nout, i0, P + b * n);
        }
    for (; b + 4 <= m; b += 4) {
        for (i = i0; i + 4 * NN_VW <= i1; i += 4 * NN_VW) bp_tile(4, 4, D + b * ldd, ldd, W, n, nout, i, P + b * n);
        if (i + 3 * NN_VW <= i1) bp_tile(4, 3, D + b * ldd, ldd, W, n, nout, i, P + b * n); /* (a 48-map convolution's row) */
        else if (i + 2 * NN_VW <= i1) bp_tile(4, 2, D + b * ldd, ldd, W, n, nout, i, P + b * n);
        else if (i < i1) bp_tile(4, 1, D + b * ldd, ldd, W, n, nout, i, P + b * n);
    }
    for (; b < m; b++) {
        for (i = i0; i + 4 * NN_VW <= i1; i += 4 * NN_VW) bp_tile(1, 4, D + b * ldd, ldd, W, n, nout, i, P + b * n);
        for (; i < i1; i += NN_VW) bp_tile(1, 1, D + b * ldd, ldd, W, n, nout, i, P + b * n);
    }
}

/* rj rows by cb <= 3 vector blocks of k_wgrad at row j, column i, added
 * to G (first: G = the sum). */
#define WG_ROWS (NN_VW == 16 ? 8 : 4) /* 16 accumulators: AVX-512 has 32 registers, AVX2 16 */
#define WG_WIDE (NN_VW == 16 ? 12 : 4) /* rows of a tile of 2 blocks (AVX-512: 12 x 2 accumulators) */
NN_INLINE void wg_tile(int rj, int cb, const float *D, size_t ldd, size_t P, const float *X, size_t n, size_t i,
                       size_t j, int first, float *G)
{
    vec acc[WG_WIDE][3];
    for (int r = 0; r < rj; r++)
        for (int q = 0; q < cb; q++) acc[r][q] = V_ZERO();
    for (size_t p = 0; p < P; p++, D += ldd, X += n) {
        vec xv[3];
        for (int q = 0; q < cb; q++) xv[q] = V_LOAD(X + i + q * NN_VW);
        for (int r = 0; r < rj; r++) {
            vec dv = V_SET1(D[j + r]);
            for (int q = 0; q < cb; q++) acc[r][q] = V_FMA(dv, xv[q], acc[r][q]);
        }
    }
    for (int r = 0; r < rj; r++)
        for (int q = 0; q < cb; q++) {
            float *g = G + (j + r) * n + i + q * NN_VW;
            V_STORE(g, first ? acc[r][q] : V_ADD(V_LOAD(g), acc[r][q]));
        }
}

static void k_wgrad(const float *D, size_t ldd, size_t P, const float *X, size_t n, size_t j0, size_t j1, float *G,
                    float *Gb, int first)
{
    float gb[256];
    for (size_t i = 0; i < n;) {
        int cb = i + 3 * NN_VW <= n ? 3 : i + 2 * NN_VW <= n ? 2 : 1; /* (3 blocks: 8 x 3 accumulators, 3 loads and 8 broadcasts for 24 FMAs) */
        size_t j = j0;
        if (cb == 3) {
            for (; j + WG_ROWS <= j1; j += WG_ROWS) wg_tile(WG_ROWS, 3, D, ldd, P, X, n, i, j, first, G);
            for (; j + 4 <= j1; j += 4) wg_tile(4, 3, D, ldd, P, X, n, i, j, first, G);
            for (; j < j1; j++) wg_tile(1, 3, D, ldd, P, X, n, i, j, first, G);
        } else {
            if (cb == 2)
                for (; j + WG_WIDE <= j1; j += WG_WIDE) wg_tile(WG_WIDE, 2, D, ldd, P, X, n, i, j, first, G);
            for (; j + WG_ROWS <= j1; j += WG_ROWS) wg_tile(WG_ROWS, cb, D, ldd, P, X, n, i, j, first, G);
            for (; j + 4 <= j1; j += 4) wg_tile(4, cb, D, ldd, P, X, n, i, j, first, G);
            for (; j < j1; j++) wg_tile(1, cb, D, ldd, P, X, n, i, j, first, G);
        }
        i += (size_t)cb * NN_VW;
    }
    for (size_t j = j0; j < j1; j += 256) { /* the biases, 256 units at a time, each summed in row order */
        size_t h = j1 - j < 256 ? j1 - j : 256;
        memset(gb, 0, h * sizeof(float));
        for (size_t p = 0; p < P; p++)
            for (size_t r = 0; r < h; r++) gb[r] += D[p * ldd + j + r];
        for (size_t r = 0; r < h; r++) Gb[j + r] = first ? (NN_FAULT == 3 ? 0 : gb[r]) : Gb[j + r] + (NN_FAULT == 3 ? 0 : gb[r]);
    }
}

/* rq <= CF_ROWS output positions (xq[q]: the first input value of position
 * q's patch, yq[q]: its output) by cb vector blocks of maps from c0, over
 * the kernel rows dy in [d0, d1): the broadcast-and-multiply loop of
 * bp_tile with the patch read in place (positions q at x0 + q * xs when
 * the tile lies in one output row, xq NULL: one pointer moves, not rq).
 * The sums start at 0 (d0 == 0) or
 * from the partial sums Z (rq rows of zl floats) and, unless the tile's
 * last kernel row is done (d1 == k: then Y gets them with the biases), go
 * back there: the same operations in the same order either way.  With
 * offs, a kernel of few terms (CF_SHORT at most: a 5x5 or 3x3 one over a
 * channel) runs as one loop over them all, offs[j] the offset of term j
 * in the patch, the sums in the same order.  Positions q >= live are
 * computed (a tail's copies of a real one) but not stored in Y. */
#define CF_SHORT 64
#define CF_ROWS (NN_VW == 16 ? 8 : 4)
#define CF_BLOCKS (NN_VW == 16 ? 4 : 3) /* AVX2: 4 x 3 accumulators and 3 weights of 16 registers */
NN_INLINE void cf_fma(int rq, int cb, vec (*acc)[4], const float *w, const float *const *xq, const float *x0, size_t xs, size_t o)
{
    vec wv[4];
    for (int b = 0; b < cb; b++) wv[b] = V_LOAD(w + b * NN_VW);
    for (int q = 0; q < rq; q++) {
        vec dv = V_SET1(xq ? xq[q][o] : x0[(size_t)q * xs + o]);
        for (int b = 0; b < cb; b++) acc[q][b] = V_FMA(dv, wv[b], acc[q][b]);
    }
}

NN_INLINE void cf_tile(int rq, int cb, int live, const float *const *xq, const float *x0, size_t xs, size_t d0, size_t d1, size_t k, size_t run,
                       size_t rowstride, const size_t *offs, const float *WT, size_t ldo, size_t c0, const float *B, size_t oc, int relu,
                       float *const *yq, float *Z, size_t zl)
{
    vec acc[CF_ROWS][4];
    for (int q = 0; q < rq; q++)
        for (int b = 0; b < cb; b++) acc[q][b] = d0 ? V_LOAD(Z + q * zl + b * NN_VW) : V_ZERO();
    if (offs) /* (d0 = 0, d1 = k) */
        for (size_t j = 0; j < k * run; j++) cf_fma(rq, cb, acc, WT + j * ldo + c0, xq, x0, xs, offs[j]);
    else
        for (size_t dy = d0; dy < d1; dy++)
            for (size_t t = 0; t < run; t++) cf_fma(rq, cb, acc, WT + (dy * run + t) * ldo + c0, xq, x0, xs, dy * rowstride + t);
    if (d1 < k) {
        for (int q = 0; q < rq; q++)
            for (int b = 0; b < cb; b++) V_STORE(Z + q * zl + b * NN_VW, acc[q][b]);
        return;
    }
    for (int q = 0; q < rq && q < live; q++) /* (rq bounds it: the accumulators stay in registers) */
        for (int b = 0; b < cb; b++) {
            size_t c = c0 + (size_t)b * NN_VW;
            vec v = V_ADD(acc[q][b], V_LOAD(B + c)); /* (B is padded to NN_PAD, and aligned) */
            if (relu) v = V_RELU(v);
            if (c + NN_VW <= oc) V_STOREU(yq[q] + c, v);
            else if (c < oc) V_STORE_FIRST(yq[q] + c, v, oc - c);
        }
}

/* The kernel rows are taken a few at a time, as many as keep their block of
 * WT in L1 (about 32 KB) while every position's tile reads it, the partial
 * sums waiting in Z ((P + CF_ROWS) x CF_BLOCKS * NN_VW floats). */
#define CF_L1 (32 * 1024)
static void k_convfwd(const float *x, size_t iwp, size_t ic, size_t k, size_t oh, size_t ow, const float *WT,
                      size_t ldo, size_t oc, const float *B, int relu, float *y, float *Z)
{
    size_t P = oh * ow, run = k * ic, rs = iwp * ic, zl = CF_BLOCKS * NN_VW, offs[CF_SHORT];
    int short_ = k * run <= CF_SHORT;
    for (size_t j = 0; short_ && j < k * run; j++) offs[j] = j / run * rs + j % run;
    for (size_t c0 = 0, cb; c0 < ldo; c0 += cb * NN_VW) {
        size_t left = (ldo - c0) / NN_VW, rows, dstep;
        cb = left > CF_BLOCKS ? CF_BLOCKS : left;
        rows = cb == 4 ? 6 : CF_ROWS; /* (AVX-512: 6 x 4 accumulators and 4 weights of 32 registers) */
        dstep = CF_L1 / (run * cb * NN_VW * sizeof(float));
        dstep = dstep < 1 ? 1 : dstep > k || short_ ? k : dstep;
        for (size_t d0 = 0; d0 < k; d0 += dstep) {
            size_t d1 = d0 + dstep < k ? d0 + dstep : k, oy = 0, ox = 0; /* (oy, ox): position p0's */
            for (size_t p0 = 0; p0 < P; p0 += rows) {
                const float *xq[CF_ROWS];
                float *yq[CF_ROWS], *z = Z + p0 * zl;
                int live = (int)(P - p0 < rows ? P - p0 : rows), row = ox + rows <= ow; /* (all in one row: one pointer) */
                for (int q = 0; q < (int)rows; q++) { /* (no division: a tile's positions step along the rows) */
                    if (q < live) {
                        xq[q] = x + (oy * iwp + ox) * ic, yq[q] = y + (p0 + (size_t)q) * oc;
                        if (++ox == ow) ox = 0, oy++;
                    } else
                        xq[q] = xq[live - 1], yq[q] = yq[live - 1];
                }
                if (cb == 4) cf_tile(CF_ROWS < 6 ? CF_ROWS : 6, 4, live, row ? NULL : xq, xq[0], ic, d0, d1, k, run, rs, short_ ? offs : NULL, WT, ldo, c0, B, oc, relu, yq, z, zl);
                else if (cb == 3) cf_tile(CF_ROWS, 3, live, row ? NULL : xq, xq[0], ic, d0, d1, k, run, rs, short_ ? offs : NULL, WT, ldo, c0, B, oc, relu, yq, z, zl);
                else if (cb == 2) cf_tile(CF_ROWS, 2, live, row ? NULL : xq, xq[0], ic, d0, d1, k, run, rs, short_ ? offs : NULL, WT, ldo, c0, B, oc, relu, yq, z, zl);
                else cf_tile(CF_ROWS, 1, live, row ? NULL : xq, xq[0], ic, d0, d1, k, run, rs, short_ ? offs : NULL, WT, ldo, c0, B, oc, relu, yq, z, zl);
            }
        }
    }
}

/* Winograd's F(2x2, 3x3) for a 3x3 convolution in inference: each 2x2
 * block of outputs (a tile) from the 4x4 block of input under it with 16
 * multiplications per input and output channel pair instead of 36
 * (Lavin and Gray, "Fast Algorithms for Convolutional Neural Networks",
 * 2016).  In one dimension, two outputs of a 3-tap filter g over inputs
 * d0..d3 are
 *   y0 = m0 + m1 + m2,  y1 = m1 - m2 - m3,  with
 *   m0 = (d0 - d2) g0,  m1 = (d1 + d2) (g0 + g1 + g2) / 2,
 *   m2 = (d2 - d1) (g0 - g1 + g2) / 2,  m3 = (d1 - d3) g2;
 * in two, the same along the rows and then the columns: the input tile's
 * transform V (4x4, per channel) times the kernel's U (4x4, per channel
 * pair), summed over input channels -- 16 matrix products, one per place
 * xi of the 4x4 -- then the output transform.  The sums differ from the
 * direct convolution's in their last bits (the tests bound them), so
 * training, whose gradients must match its forward pass, keeps the direct
 * kernel.
 *
 * wino_weights: U (16, ic, ldo), U[xi][c][o] the transform of map o's
 * kernel over channel c (W (oc, ldw) in (dy, dx, channel) order), the
 * columns o >= oc zero. */
static void wino_weights(const float *W, size_t ldw, size_t ic, size_t oc, size_t ldo, float *U)
{
    memset(U, 0, 16 * ic * ldo * sizeof(float));
    for (size_t o = 0; o < oc; o++)
        for (size_t c = 0; c < ic; c++) {
            float g[3][3], h[4][3];
            for (int a = 0; a < 3; a++)
                for (int b = 0; b < 3; b++) g[a][b] = W[o * ldw + (size_t)(a * 3 + b) * ic + c];
            for (int b = 0; b < 3; b++) { /* the rows: G g */
                h[0][b] = g[0][b], h[3][b] = g[2][b];
                h[1][b] = 0.5f * (g[0][b] + g[1][b] + g[2][b]), h[2][b] = 0.5f * (g[0][b] - g[1][b] + g[2][b]);
            }
            for (int a = 0; a < 4; a++) { /* the columns: (G g) G^T */
                float *u = U + ((size_t)a * 4 * ic + c) * ldo + o;
                u[0] = h[a][0], u[3 * ic * ldo] = h[a][2];
                u[ic * ldo] = 0.5f * (h[a][0] + h[a][1] + h[a][2]), u[2 * ic * ldo] = 0.5f * (h[a][0] - h[a][1] + h[a][2]);
            }
        }
}

/* rq tiles by cb vector blocks of maps: the product for one place xi,
 * M[q] = sum_c V[q][c] U[c] (V rows icp floats apart, U's ldo), into M
 * (rows zl floats apart). */
NN_INLINE void wn_tile(int rq, int cb, const float *v, size_t icp, size_t ic, const float *u, size_t ldo, float *m, size_t zl)
{
    vec acc[CF_ROWS][4];
    for (int q = 0; q < rq; q++)
        for (int b = 0; b < cb; b++) acc[q][b] = V_ZERO();
    for (size_t c = 0; c < ic; c++, u += ldo) {
        vec wv[4];
        for (int b = 0; b < cb; b++) wv[b] = V_LOAD(u + b * NN_VW);
        for (int q = 0; q < rq; q++) {
            vec dv = V_SET1(v[(size_t)q * icp + c]);
            for (int b = 0; b < cb; b++) acc[q][b] = V_FMA(dv, wv[b], acc[q][b]);
        }
    }
    for (int q = 0; q < rq; q++)
        for (int b = 0; b < cb; b++) V_STORE(m + q * zl + b * NN_VW, acc[q][b]);
}

/* k_wino takes the tiles of an image in groups whose transforms V (16,
 * tiles, icp) and products M (16, tiles, ldo) fit in about 384 KB (of the
 * L2 cache), so that each place's U (ic, ldo) is read from L1 by a whole
 * group's tiles: a multiple of 24 tiles (of the 4, 6 or 8 a kernel tile
 * takes).  wino_scratch: the floats of V and M. */
#define WN_ROWS CF_ROWS
static size_t wino_group(size_t ic, size_t ldo)
{
    size_t g = 384 * 1024 / (16 * (round_up(ic, NN_VW) + ldo) * sizeof(float)) / 24 * 24;
    return g < 24 ? 24 : g;
}
static size_t wino_scratch(size_t ic, size_t ldo) { return 16 * wino_group(ic, ldo) * (round_up(ic, NN_VW) + ldo); }

/* One image: x (ihp, iwp, ic) channel-last, already padded; the output
 * (oh, ow) = (ihp - 2, iwp - 2), y[p * oc + c] for position p and map c,
 * with the biases B (padded to ldo) and with relu max(y, 0); U from wino_weights; S scratch
 * (wino_scratch).  For each group of tiles: their inputs' transforms (V),
 * the 16 products R tiles by a block of maps at a time (M), the outputs'
 * transforms.  A tile over the last row or column of an odd output reads
 * zeros past the input and stores only the outputs that exist. */
static void k_wino(const float *x, size_t ihp, size_t iwp, size_t ic, const float *U, size_t ldo, size_t oc, const float *B,
                   int relu, float *y, float *S)
{
    size_t oh = ihp - 2, ow = iwp - 2, tw = (ow + 1) / 2, T = (oh + 1) / 2 * tw, icp = round_up(ic, NN_VW);
    size_t R = NN_VW == 16 && ldo >= 4 * NN_VW ? 6 : WN_ROWS; /* (6 tiles by 4 blocks, as k_convfwd) */
    size_t g = wino_group(ic, ldo), ng = (T + g - 1) / g, G = round_up((T + ng - 1) / ng, R);
    float *V = S, *M = S + 16 * G * icp;
    for (size_t t0 = 0; t0 < T; t0 += G) {
        size_t live = T - t0 < G ? T - t0 : G, rows = round_up(live, R);
        for (size_t q = 0; q < rows; q++) { /* the inputs' transforms, V[xi][q][c] */
            size_t y0 = (t0 + q) / tw * 2, x0 = (t0 + q) % tw * 2;
            int inside = q < live && y0 + 4 <= ihp && x0 + 4 <= iwp;
            for (size_t c = 0; c < icp; c += NN_VW) {
                size_t n = ic - c < NN_VW ? ic - c : NN_VW;
                vec d[4][4], e[4][4];
                const float *p = x + (y0 * iwp + x0) * ic + c;
                if (inside && n == NN_VW)
                    for (size_t r = 0; r < 4; r++)
                        for (size_t s = 0; s < 4; s++) d[r][s] = V_LOADU(p + (r * iwp + s) * ic);
                else
                    for (size_t r = 0; r < 4; r++)
                        for (size_t s = 0; s < 4; s++)
                            d[r][s] = q >= live || y0 + r >= ihp || x0 + s >= iwp ? V_ZERO()
                                      : n == NN_VW                              ? V_LOADU(p + (r * iwp + s) * ic)
                                                                                : V_LOAD_FIRST(p + (r * iwp + s) * ic, n);
                for (int r = 0; r < 4; r++) { /* B^T d: the rows */
                    e[0][r] = V_SUB(d[0][r], d[2][r]), e[1][r] = V_ADD(d[1][r], d[2][r]);
                    e[2][r] = V_SUB(d[2][r], d[1][r]), e[3][r] = V_SUB(d[1][r], d[3][r]);
                }
                for (int a = 0; a < 4; a++) { /* (B^T d) B: the columns */
                    float *v = V + ((size_t)a * 4 * G + q) * icp + c;
                    V_STORE(v, V_SUB(e[a][0], e[a][2]));
                    V_STORE(v + G * icp, V_ADD(e[a][1], e[a][2]));
                    V_STORE(v + 2 * G * icp, V_SUB(e[a][2], e[a][1]));
                    V_STORE(v + 3 * G * icp, V_SUB(e[a][1], e[a][3]));
                }
            }
        }
        for (size_t xi = 0; xi < 16; xi++) /* the products, M[xi][q][c] */
            for (size_t c0 = 0, cb; c0 < ldo; c0 += cb * NN_VW) {
                const float *u = U + xi * ic * ldo + c0;
                cb = (ldo - c0) / NN_VW > CF_BLOCKS ? CF_BLOCKS : (ldo - c0) / NN_VW;
                for (size_t q = 0; q < rows; q += R) {
                    const float *v = V + (xi * G + q) * icp;
                    float *m = M + (xi * G + q) * ldo + c0;
#if NN_VW == 16
                    if (R == 6) {
                        if (cb == 4) wn_tile(6, 4, v, icp, ic, u, ldo, m, ldo);
                        else if (cb == 3) wn_tile(6, 3, v, icp, ic, u, ldo, m, ldo);
                        else if (cb == 2) wn_tile(6, 2, v, icp, ic, u, ldo, m, ldo);
                        else wn_tile(6, 1, v, icp, ic, u, ldo, m, ldo);
                        continue;
                    }
#endif
                    if (cb == 3) wn_tile(WN_ROWS, 3, v, icp, ic, u, ldo, m, ldo);
                    else if (cb == 2) wn_tile(WN_ROWS, 2, v, icp, ic, u, ldo, m, ldo);
                    else wn_tile(WN_ROWS, 1, v, icp, ic, u, ldo, m, ldo);
                }
            }
        for (size_t q = 0; q < live; q++) { /* the outputs' transforms, A^T M A, and the biases */
            size_t oy = (t0 + q) / tw * 2, ox = (t0 + q) % tw * 2;
            for (size_t c = 0; c < oc; c += NN_VW) {
                vec mv[16], r0[4], r1[4], bias = V_LOAD(B + c), out[4];
                for (int i = 0; i < 16; i++) mv[i] = V_LOAD(M + ((size_t)i * G + q) * ldo + c);
                for (int s = 0; s < 4; s++) {
                    r0[s] = V_ADD(V_ADD(mv[s], mv[4 + s]), mv[8 + s]);
                    r1[s] = V_SUB(V_SUB(mv[4 + s], mv[8 + s]), mv[12 + s]);
                }
                out[0] = V_ADD(V_ADD(V_ADD(r0[0], r0[1]), r0[2]), bias), out[1] = V_ADD(V_SUB(V_SUB(r0[1], r0[2]), r0[3]), bias);
                out[2] = V_ADD(V_ADD(V_ADD(r1[0], r1[1]), r1[2]), bias), out[3] = V_ADD(V_SUB(V_SUB(r1[1], r1[2]), r1[3]), bias);
                for (size_t i = 0; i < 4; i++) {
                    size_t py = oy + i / 2, px = ox + i % 2;
                    float *p = y + (py * ow + px) * oc + c;
                    if (py >= oh || px >= ow) continue;
                    if (relu) out[i] = V_RELU(out[i]);
                    if (c + NN_VW <= oc) V_STOREU(p, out[i]);
                    else V_STORE_FIRST(p, out[i], oc - c);
                }
            }
        }
    }
}

#else /* no SIMD: the reference kernels are the kernels */
#define k_forward k_forward_ref
#define k_update k_update_ref
#define k_backprop k_backprop_ref
#define k_wgrad k_wgrad_ref
#define k_convfwd k_convfwd_ref
#endif

/* ======================================================================== */
/* @@act activations and costs                                             */
/* ======================================================================== */

static const char *const cost_names[COST_COUNT] = {"?", "quadratic", "cross-entropy", "log-likelihood"};
static const char *const init_names[INIT_COUNT] = {"?", "normal", "scaled", "he"};
static const char *const opt_names[OPT_COUNT] = {"?", "sgd", "momentum", "nesterov", "adam"};
static const char *const sched_names[SCHED_COUNT] = {"?", "constant", "step", "exp", "cosine"};

/* The id of `name` in a names table, or 0. */
static int name_id(const char *const *names, int count, const char *name, size_t len)
{
    for (int k = 1; k < count; k++)
        if (strlen(names[k]) == len && !strncmp(names[k], name, len)) return k;
    return 0;
}

/* The activations, one row each: the float kernels training and inference
 * run, a double-precision reference for the gradient check (tests/unit.c),
 * the C the exporter writes, where a layer may use it, its default
 * initialisation and its output range.  A new activation is a new row. */
enum { ACT_HIDDEN = 1, ACT_OUTPUT = 2, ACT_ROW = 4 /* its outputs are a distribution over the row */ };

/* a = f(z) in place over a[0..n); softmax over the whole row. */
static void act_sigmoid(float *a, size_t n)
{
    for (size_t j = 0; j < n; j++) a[j] = 1.0f / (1.0f + expf(-a[j]));
}
static void act_tanh(float *a, size_t n)
{
    for (size_t j = 0; j < n; j++) a[j] = tanhf(a[j]);
}
static void act_relu(float *a, size_t n)
{
    for (size_t j = 0; j < n; j++) a[j] = a[j] > 0 ? a[j] : 0.0f;
}
static void act_leaky(float *a, size_t n)
{
    for (size_t j = 0; j < n; j++) a[j] = a[j] > 0 ? a[j] : LEAKY_SLOPE * a[j];
}
static void act_linear(float *a, size_t n) { (void)a, (void)n; }
static void act_softmax(float *a, size_t n) /* stable: the row's maximum subtracted first */
{
    float mx = a[0];
    double sum = 0;
    for (size_t j = 0; j < n; j++) mx = a[j] > mx ? a[j] : mx;
    for (size_t j = 0; j < n; j++) sum += a[j] = expf(a[j] - mx);
    for (size_t j = 0; j < n; j++) a[j] = (float)(a[j] / sum);
}

/* g = f'(z) over a row, expressed through a = f(z).  Softmax's derivative
 * is never taken: it goes with the log-likelihood cost, whose output error
 * is a - y (see output_error). */
static void dact_sigmoid(const float *a, float *g, size_t n)
{
    for (size_t j = 0; j < n; j++) g[j] = a[j] * (1.0f - a[j]);
}
static void dact_tanh(const float *a, float *g, size_t n)
{
    for (size_t j = 0; j < n; j++) g[j] = 1.0f - a[j] * a[j];
}
static void dact_relu(const float *a, float *g, size_t n)
{
    for (size_t j = 0; j < n; j++) g[j] = a[j] > 0 ? 1.0f : 0.0f;
}
static void dact_leaky(const float *a, float *g, size_t n)
{
    for (size_t j = 0; j < n; j++) g[j] = a[j] > 0 ? 1.0f : LEAKY_SLOPE;
}
static void dact_one(const float *a, float *g, size_t n)
{
    (void)a;
    for (size_t j = 0; j < n; j++) g[j] = 1.0f;
}

static double ref_sigmoid(double z) { return 1.0 / (1.0 + exp(-z)); }
static double ref_tanh(double z) { return tanh(z); }
static double ref_relu(double z) { return z > 0 ? z : 0; }
static double ref_leaky(double z) { return z > 0 ? z : LEAKY_SLOPE * z; }
static double ref_linear(double z) { return z; }

typedef struct {
    const char *name;
    unsigned where;                                 /* ACT_HIDDEN | ACT_OUTPUT, and ACT_ROW */
    void (*f)(float *a, size_t n);                  /* a = f(a) over a row slice (softmax: the whole row) */
    void (*df)(const float *a, float *g, size_t n); /* g = f'(z) from a = f(z); NULL for softmax */
    double (*ref)(double z);                        /* f in double; NULL for softmax (done over the row) */
    const char *c; /* the exporter's C for a[j] = f(z[j]), j < %zu; a %s is LEAKY_SLOPE as a C float */
    int init;      /* the default initialisation of a layer with it */
    float lo, hi;  /* the output range when bounded (lo < hi), for saturation */
    const char *onnx; /* its ONNX operator (LeakyRelu with alpha LEAKY_SLOPE), or NULL: none */
} ActSpec;

static const ActSpec acts[ACT_COUNT] = {
    [ACT_SIGMOID] = {"sigmoid", ACT_HIDDEN | ACT_OUTPUT, act_sigmoid, dact_sigmoid, ref_sigmoid,
                     "    for (int j = 0; j < %zu; j++) a[j] = 1.0f / (1.0f + expf(-z[j]));\n", INIT_SCALED, 0, 1, "Sigmoid"},
    [ACT_TANH] = {"tanh", ACT_HIDDEN | ACT_OUTPUT, act_tanh, dact_tanh, ref_tanh,
                  "    for (int j = 0; j < %zu; j++) a[j] = tanhf(z[j]);\n", INIT_SCALED, -1, 1, "Tanh"},
    [ACT_RELU] = {"relu", ACT_HIDDEN, act_relu, dact_relu, ref_relu,
                  "    for (int j = 0; j < %zu; j++) a[j] = z[j] > 0 ? z[j] : 0.0f;\n", INIT_HE, 0, 0, "Relu"},
    [ACT_LEAKY] = {"leaky", ACT_HIDDEN, act_leaky, dact_leaky, ref_leaky,
                   "    for (int j = 0; j < %zu; j++) a[j] = z[j] > 0 ? z[j] : %s * z[j];\n", INIT_HE, 0, 0, "LeakyRelu"},
    [ACT_LINEAR] = {"linear", ACT_OUTPUT, act_linear, dact_one, ref_linear,
                    "    for (int j = 0; j < %zu; j++) a[j] = z[j];\n", INIT_SCALED, 0, 0, NULL},
    [ACT_SOFTMAX] = {"softmax", ACT_OUTPUT | ACT_ROW, act_softmax, NULL, NULL,
                     "    {\n        const int n = %zu;\n        float mx = z[0], sum = 0.0f;\n"
                     "        for (int j = 0; j < n; j++) mx = z[j] > mx ? z[j] : mx;\n"
                     "        for (int j = 0; j < n; j++) sum += z[j] = expf(z[j] - mx);\n"
                     "        for (int j = 0; j < n; j++) a[j] = z[j] / sum;\n    }\n",
                     INIT_SCALED, 0, 1, "Softmax"},
};

static const char *act_name(int a) { return a > 0 && a < ACT_COUNT ? acts[a].name : "?"; }

/* The id of activation `name` (len bytes), or 0. */
static int act_id(const char *name, size_t len)
{
    for (int k = 1; k < ACT_COUNT; k++)
        if (strlen(acts[k].name) == len && !strncmp(acts[k].name, name, len)) return k;
    return 0;
}

/* The activations allowed `where`, as "sigmoid, tanh, relu or leaky". */
static const char *act_list(unsigned where, char *buf, size_t n)
{
    int cnt = 0, k2 = 0;
    size_t o = 0;
    buf[0] = 0;
    for (int k = 1; k < ACT_COUNT; k++) cnt += (acts[k].where & where) != 0;
    for (int k = 1; k < ACT_COUNT && o < n; k++)
        if (acts[k].where & where) {
            k2++;
            o += (size_t)snprintf(buf + o, n - o, "%s%s", k2 == 1 ? "" : k2 == cnt ? " or " : ", ", acts[k].name);
        }
    return buf;
}

/* g = f'(z) over a[0..n) = f(z[0..n)) (NN_FAULT 1: dropped, g = 1). */
static void act_grad(const float *a, float *g, size_t n, int act)
{
    if (NN_FAULT == 1) {
        for (size_t j = 0; j < n; j++) g[j] = 1.0f;
        return;
    }
    acts[act].df(a, g, n);
}

/* a = f(z) in place for rows b < m, columns j0 <= j < j1 of A (m, lda).
 * Softmax needs the whole row: j0 = 0, j1 = the layer's size. */
static void activate(float *A, size_t m, size_t lda, size_t j0, size_t j1, int act)
{
    for (size_t b = 0; b < m; b++) acts[act].f(A + b * lda + j0, j1 - j0);
}

static const char *cost_name(int c) { return c > 0 && c < COST_COUNT ? cost_names[c] : "?"; }

/* ======================================================================== */
/* @@layer the layer interface                                             */
/* ======================================================================== */

/* The ONNX graph a kind's export_onnx adds its nodes to, and the builder's
 * calls it uses (format notes and definitions in @@export). */
typedef struct {
    Buf nodes, inits;   /* the GraphProto's node and initializer fields, encoded */
    char cur[32];       /* the tensor the next node reads */
    int nchw;           /* cur is (N, C, H, W); else (N, features) */
    int k;              /* tensors named so far */
} Onnx;

typedef struct {
    const char *name;
    int type;           /* 1 FLOAT, 2 INT, 7 INTS */
    float f;
    int64_t i[4];
    int n;              /* INTS: how many */
} OnnxAttr;

static void onnx_node(Onnx *g, const char *op, const char *const *in, int nin, const char *out, const OnnxAttr *at, int nat);
static const char *onnx_name(Onnx *g, char *buf, size_t n);
static void onnx_unary(Onnx *g, const char *op, const OnnxAttr *at, int nat);
static void onnx_init(Onnx *g, const char *name, const int64_t *dims, int nd, const float *v, const int64_t *iv);
static void onnx_layout(Onnx *g, const Layer *ly, int want_nchw);
static void onnx_const_op(Onnx *g, const char *op, const float *c, size_t n);
static void onnx_reshape(Onnx *g, const int64_t *dims, int nd);
static const char *c_float(float v, char *buf, size_t n);

/* What each kind of layer does, as llm.c pairs matmul_forward with
 * matmul_backward and kann keeps an operator table: a kind is a section of
 * its own (@@dense, @@conv, @@pool, @@ple) and a row of layer_kinds (@@kinds).
 * Training and inference call these; which thread computes which part, and
 * where the barriers are, is decided in one place (train_step,
 * forward_chunk), so a new kind is a new row, not a new branch elsewhere.
 *
 * Parts (see Part): forward computes the outputs of part pt of the (m,
 * ldout) activations, before the activation (train: a training pass, else
 * inference); backward computes part pt of the (m, ldin) delta of its
 * input, before f' (dX NULL: none wanted), through the forward pass it
 * follows (train: training's, else inference's; they differ for a kind
 * with batch statistics); update takes the gradient of
 * weight rows [j0, j1) over weight columns [i0, i1) (and of biases j0..j1
 * when B or Gb is given) and, with no G, takes the SGD step at once (W =
 * decay W - c g).  KIND_BY_ROWS says how the parts are cut: by rows
 * (images), in whole groups of NN_GROUP rows, for a kind whose units
 * depend on each other's inputs; else by units, as a dense layer.  A kind
 * cut by rows with weights has its backward also leave, in `part`, the
 * gradient's partial sums of each group of rows (ly->part floats a group),
 * which update adds up in group order: so the sums, and the model, do not
 * depend on how the rows were cut between threads.  A kind whose rows
 * depend on the whole mini-batch's statistics has a stats call that
 * leaves its rows' sums there the same way, group by group, before
 * forward and backward, which read them all (`part`, given to forward in
 * training: NULL elsewhere).  tmp is a thread's
 * scratch of ly->tmp floats.  S is the layer's untrained state (ly->ns
 * floats, set by shape; a piecewise-linear encoding's bins): forward may
 * change it in training, a kind's fit may set it from the training rows
 * first, and it is saved and loaded after the weights and biases. */
/* The kinds of layer, by the ids model files give them (never renumber). */
enum { LAYER_DENSE = 1, LAYER_CONV, LAYER_MAXPOOL, LAYER_AVGPOOL, LAYER_PLE, LAYER_BN, LAYER_COUNT };

enum {
    KIND_BY_ROWS = 1 << 0, /* its parts are rows (images), not units */
    KIND_NO_ACT = 1 << 1,  /* passes its values on as they are: takes no activation */
    KIND_PLAIN = 1 << 2,   /* its notation is a bare number (100, 100relu): tried after the other kinds' */
    KIND_SIZED = 1 << 3,   /* its part of the spec gives its outputs, 1 to NN_MAX_WIDTH */
    KIND_FLAT = 1 << 4,    /* its outputs are flat (C x 1 x 1): no image layer may follow */
    KIND_IMAGE = 1 << 5,   /* needs an image input: an input shape, then image layers only */
    KIND_OUTPUT = 1 << 6,  /* may be the output layer (and so takes output activations) */
    KIND_DROPOUT = 1 << 7, /* --dropout drops its units when it is a hidden layer */
    KIND_DRAW = 1 << 8,    /* nn weights draws its weight rows, one tile each */
    KIND_KERNEL = 1 << 9,  /* its weight rows are k x k kernels over ic channels, (dy, dx, channel) order */
    KIND_SUMS = 1 << 11,   /* works on the sums of the layer before: that layer's activation, unless named, moves to it */
    KIND_RELU = 1 << 12    /* its forward applies a ReLU activation itself, as act_relu would (the pass is left out) */
};


/* A part of a layer spec, as a kind's parse sees it (parse_layers_shape). */
typedef struct {
    const char *spec; /* the whole spec, for messages */
    const char *p;    /* the part: up to '-' or the end */
    size_t len;       /* its length */
    int num;          /* its number in the spec, for messages */
} SpecPart;

typedef struct {
    const char *name;     /* in messages and nn info: "dense", "convolution" */
    const char *noun;     /* in spec messages: "a %s takes no activation" */
    const char *notation; /* its notation in a spec, for nn train --help */
    unsigned flags;       /* KIND_* */
    int act;              /* its activation when the spec names none (0: the network's default) */
    const char *act_hint; /* said after the activations it takes when the spec names an unknown one */
    int (*looks)(const char *p); /* is spec part p plainly this kind's (a spec starting with it starts with a layer)? */
    /* Part sp of a spec: 0 when it is not in this kind's notation; else 1 with
     * the kind's fields set and *q after its text (an activation may follow),
     * or -1 with a message (spec_fail). */
    int (*parse)(const SpecPart *sp, const char **q, Layer *ly, Err *err);
    void (*print)(const Layer *ly, char *buf, size_t n); /* back in the spec's notation */
    int (*shape)(Layer *ly, char *why, size_t n); /* from the input shape: the output's, nout, W's; -1 and why */
    size_t (*count)(const Layer *ly); /* real (unpadded) weights and biases */
    size_t (*macs)(const Layer *ly);  /* multiply-adds of one row's forward pass */
    void (*init)(const Layer *ly, float *W, float *B, int how, Rng *r);
    void (*forward)(const Layer *ly, const float *W, const float *B, float *S, const float *X, size_t m,
                    const Part *pt, float *Y, const float *part, float *tmp, int train); /* X (m, ldin) -> Y (m, ldout) */
    /* Training, a kind whose rows depend on statistics of the whole
     * mini-batch (or NULL): its own rows' sums, group by group, into part,
     * before forward (dY NULL) and before backward; a barrier follows. */
    void (*stats)(const Layer *ly, const float *S, const float *X, const float *dY, size_t m, const Part *pt, float *part);
    void (*backward)(const Layer *ly, const float *W, const float *S, const float *dY, const float *X, const float *Y,
                     size_t m, const Part *pt, float *dX, float *part, float *tmp, int train); /* dY (m, ldout) -> dX (m, ldin) */
    void (*update)(const Layer *ly, const float *S, const float *dY, size_t m, const float *X, const float *part,
                   size_t i0, size_t i1, size_t j0, size_t j1, float c, float decay, float *W, float *B, float *G,
                   float *Gb);
    void (*rec_save)(Buf *b, const Layer *ly);              /* the kind's own fields of its model record */
    int (*rec_load)(const uint8_t *p, size_t n, Layer *ly); /* them back (n bytes); -1 if malformed */
    void (*save)(Buf *b, const Layer *ly, const float *W, const float *B); /* the model file's payload */
    int (*load)(Cursor *c, const Layer *ly, float *W, float *B);          /* -1: a weight, -2: a bias not finite */
    /* Exports: id names the layer's arrays (nn_w<id>, nn_b<id>, nn_s<id> the
     * int8 scales, nn_st<id> the state; ONNX W<id>, B<id>, ST<id>): the
     * layer's number, and an ensemble member's after it ("2_1"). */
    void (*export_c)(Buf *b, const Layer *ly, const char *id);            /* C for z = layer(a) */
    void (*export_onnx)(Onnx *g, const Layer *ly, const float *W, const float *B, const float *S, const char *id); /* its nodes */
    void (*q8)(const Layer *ly, const int8_t *Q, const float *Qs, const float *B, const float *S, const float *a, int8_t *qa,
               float *z);                         /* int8: one row (Q, Qs: the int8 weights and their scales) */
    void (*export_q8)(Buf *b, const Layer *ly, const char *id); /* C for that */
    /* Set the untrained state S from the layer's inputs X (m, ldin) over
     * training rows, before training (NULL: a kind that keeps none, or
     * changes it as it trains). */
    void (*fit)(const Layer *ly, float *S, const float *X, size_t m);
} LayerKind;

/* "layer spec 'SPEC': part N ('PART'): what", for a kind's parse. */
static int spec_fail(Err *err, const SpecPart *sp, const char *fmt, ...)
{
    char what[300];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    return fail(err, NULL, "layer spec '%s': part %d ('%.*s'): %s", sp->spec, sp->num, (int)(sp->len < 40 ? sp->len : 40),
                sp->p, what);
}

/* The weights and biases as most kinds keep them: W, wrows rows of wcols
 * weights each padded to ldw, and nbias biases. */
static size_t wb_count(const Layer *ly) { return ly->wrows * ly->wcols + ly->nbias; }

/* INIT_NORMAL, the textbook's first scheme: all from N(0, 1).  INIT_SCALED,
 * its improved one: weights from N(0, 1/n_in), biases N(0, 1).  INIT_HE,
 * for ReLU layers: weights from N(0, 2/n_in), biases 0.  n_in is a weight
 * row's length (wcols: a dense layer's inputs, a convolution's patch). */
static void wb_init(const Layer *ly, float *W, float *B, int how, Rng *r)
{
    double sd = how == INIT_NORMAL ? 1.0 : sqrt((how == INIT_HE ? 2.0 : 1.0) / (double)ly->wcols);
    for (size_t j = 0; j < ly->wrows; j++)
        for (size_t i = 0; i < ly->wcols; i++) W[j * ly->ldw + i] = (float)(sd * rng_normal(r));
    for (size_t j = 0; j < ly->nbias; j++) B[j] = how == INIT_HE ? 0.0f : (float)rng_normal(r);
}

/* The weights row by row without padding (wrows x wcols; dense: W[out][in]),
 * then the biases (nbias), all f32. */
static void wb_save(Buf *b, const Layer *ly, const float *W, const float *B)
{
    for (size_t j = 0; j < ly->wrows; j++) buf_floats(b, W + j * ly->ldw, ly->wcols);
    buf_floats(b, B, ly->nbias);
}

static int wb_load(Cursor *c, const Layer *ly, float *W, float *B)
{
    size_t cnt = ly->wrows * ly->wcols;
    for (size_t k = 0; k < cnt + ly->nbias; k++, c->p += 4) { /* (the caller checked the length) */
        float v = bits_f32(get_le32(c->p));
        if (!isfinite(v)) return k < cnt ? -1 : -2;
        if (k < cnt) W[k / ly->wcols * ly->ldw + k % ly->wcols] = v;
        else B[k - cnt] = v;
    }
    return 0;
}


/* int8 inference (nn export --c FILE.h --int8).  A layer's weights, per output row (a dense unit, a convolution's map),
 * as int8: q = round(w / s), s = the row's largest |w| / 127; its input,
 * the row's (image's) activations, as int8 with one scale sx = largest
 * |a| / 127; the products summed in int32, then z = acc * (s * sx) + b in
 * float; activations and pools in float.  nn computes this (export
 * --test) with the very operations the header's C does, in the same order,
 * so the two give the same answers. */
static int8_t q8_round(float v) { return (int8_t)(v >= 0 ? (int)(v + 0.5f) : -(int)(0.5f - v)); }

/* a[0..n) as int8 into q; returns the scale. */
static float q8_input(const float *a, size_t n, int8_t *q)
{
    float mx = 0, inv;
    for (size_t i = 0; i < n; i++) mx = fabsf(a[i]) > mx ? fabsf(a[i]) : mx;
    inv = mx > 0 ? 127.0f / mx : 0.0f;
    for (size_t i = 0; i < n; i++) q[i] = q8_round(a[i] * inv);
    return mx > 0 ? mx / 127.0f : 1.0f;
}

/* ======================================================================== */
/* @@dense dense layers                                                    */
/* ======================================================================== */

/* A dense layer: every output unit j is B[j] + W[j] . x, W (nout, ldin). */
static int dense_shape(Layer *ly, char *why, size_t n)
{
    (void)why, (void)n;
    ly->oc = ly->nout, ly->oh = ly->ow = 1;
    ly->wrows = ly->nout, ly->wcols = ly->nin, ly->ldw = ly->ldin, ly->nbias = ly->nout;
    ly->nw = ly->nout * ly->ldin, ly->nb = ly->ldout, ly->part = ly->tmp = 0;
    return 0;
}
static size_t dense_macs(const Layer *ly) { return ly->nout * ly->nin; }

/* 100, 100relu: the number of units (checked by the caller: KIND_SIZED). */
static int dense_parse(const SpecPart *sp, const char **q, Layer *ly, Err *err)
{
    (void)err;
    if (!(*sp->p >= '0' && *sp->p <= '9')) return 0;
    *q = scan_size(sp->p, NN_MAX_WIDTH, &ly->nout);
    return 1;
}

static void dense_print(const Layer *ly, char *buf, size_t n) { snprintf(buf, n, "%zu", ly->nout); }

static void dense_forward(const Layer *ly, const float *W, const float *B, float *S, const float *X, size_t m,
                          const Part *pt, float *Y, const float *part, float *tmp, int train)
{
    (void)part;
    (void)S, (void)m, (void)tmp, (void)train;
    k_forward(X + pt->b0 * ly->ldin, pt->b1 - pt->b0, W, B, ly->ldin, pt->j0, pt->j1, Y + pt->b0 * ly->ldout, ly->ldout);
}

static void dense_backward(const Layer *ly, const float *W, const float *S, const float *dY, const float *X,
                           const float *Y, size_t m, const Part *pt, float *dX, float *part, float *tmp, int train)
{
    (void)S, (void)X, (void)Y, (void)m, (void)part, (void)tmp, (void)train;
    k_backprop(dY + pt->b0 * ly->ldout, ly->ldout, pt->b1 - pt->b0, W, ly->ldin, ly->nout, pt->j0, pt->j1,
               dX + pt->b0 * ly->ldin);
}

static void dense_update(const Layer *ly, const float *S, const float *dY, size_t m, const float *X, const float *part,
                         size_t i0, size_t i1, size_t j0, size_t j1, float c, float decay, float *W, float *B, float *G,
                         float *Gb)
{
    (void)S, (void)part;
    k_update(dY, ly->ldout, m, X, ly->ldin, i0, i1, c, decay, W, B, j0, j1, G, Gb);
}

/* A dense layer's model record has no fields of its own: its kind,
 * activation and outputs say all. */
static void dense_rec_save(Buf *b, const Layer *ly) { (void)b, (void)ly; }
static int dense_rec_load(const uint8_t *p, size_t n, Layer *ly) { return (void)p, (void)ly, n ? -1 : 0; }


static void dense_export(Buf *b, const Layer *ly, const char *l)
{
    char line[320];
    snprintf(line, sizeof line,
             "    for (int j = 0; j < %zu; j++) {\n        float s = 0;\n"
             "        for (int i = 0; i < %zu; i++) s += nn_w%s[j * %zu + i] * a[i];\n"
             "        z[j] = s + nn_b%s[j];\n    }\n",
             ly->nout, ly->nin, l, ly->nin, l);
    buf_put(b, line, strlen(line));
}

static void dense_onnx(Onnx *g, const Layer *ly, const float *W, const float *B, const float *S, const char *l)
{
    char wn[32], bn[32], out[32];
    float *w = alloc_floats2(ly->wrows, ly->wcols);
    int64_t dw[2] = {(int64_t)ly->wrows, (int64_t)ly->wcols}, db = (int64_t)ly->nbias;
    OnnxAttr tb = {"transB", 2, 0, {1}, 0};
    const char *in[3];
    if (!w) {
        g->nodes.oom = 1;
        return;
    }
    (void)S;
    onnx_layout(g, ly, 0);
    for (size_t j = 0; j < ly->wrows; j++) memcpy(w + j * ly->wcols, W + j * ly->ldw, ly->wcols * sizeof(float));
    snprintf(wn, sizeof wn, "W%s", l), snprintf(bn, sizeof bn, "B%s", l);
    onnx_init(g, wn, dw, 2, w, NULL);
    onnx_init(g, bn, &db, 1, B, NULL);
    in[0] = g->cur, in[1] = wn, in[2] = bn;
    onnx_node(g, "Gemm", in, 3, onnx_name(g, out, sizeof out), &tb, 1);
    free(w);
}

static void dense_q8(const Layer *ly, const int8_t *Q, const float *S, const float *B, const float *St, const float *a, int8_t *qa,
                     float *z)
{
    (void)St;
    const float sx = q8_input(a, ly->nin, qa);
    for (size_t j = 0; j < ly->nout; j++) {
        int32_t acc = 0;
        for (size_t i = 0; i < ly->nin; i++) acc += (int32_t)Q[j * ly->nin + i] * qa[i];
        z[j] = (float)acc * (S[j] * sx) + B[j];
    }
}

static void dense_export_q8(Buf *b, const Layer *ly, const char *l)
{
    char t[640];
    snprintf(t, sizeof t,
             "    {\n        const float sx = nn_quantize(a, %zu, q);\n"
             "        for (int j = 0; j < %zu; j++) {\n            int32_t acc = 0;\n"
             "            for (int i = 0; i < %zu; i++) acc += (int32_t)nn_w%s[j * %zu + i] * q[i];\n"
             "            z[j] = (float)acc * (nn_s%s[j] * sx) + nn_b%s[j];\n        }\n    }\n",
             ly->nin, ly->nout, ly->nin, l, ly->nin, l, l);
    buf_put(b, t, strlen(t));
}

/* ======================================================================== */
/* @@conv convolutions                                                     */
/* ======================================================================== */

/* A convolution (LAYER_CONV): oc maps, each a k x k x ic kernel slid over
 * the input with stride 1 and `pad` rows and columns of zeros around it.
 * Done as a matrix product, as Caffe and darknet do (im2col): each output
 * pixel's receptive field is a row of patches (oh*ow, ldw), in (dy, dx,
 * channel) order, so W (oc, ldw) -- a map's kernel a row, padded -- times
 * the patches is the output, already channel-last.  The forward pass reads
 * the patches in place (k_convfwd); the backward pass copies them out
 * (im2col) for k_wgrad and k_backprop (the patches' deltas, added back
 * into place: col2im).  The biases are one per map. */
static size_t conv_ldo(const Layer *ly) { return round_up(ly->oc, NN_PAD); } /* forward's padded output row */
static size_t conv_padded(const Layer *ly) /* floats of a padded copy of an input image (0: no padding) */
{
    return ly->pad ? (ly->ih + 2 * ly->pad) * (ly->iw + 2 * ly->pad) * ly->ic : 0;
}

/* Inference takes a 3x3 convolution over 16 channels or more by Winograd's
 * F(2x2, 3x3) (k_wino): fewer multiplications where a convolution's time
 * goes.  Over fewer channels its transforms cost about what it saves (one
 * thread, 14x14 by 64 maps: 0.64x the direct sums' speed over 4 channels,
 * 1.07x over 8, 1.15x over 12, 1.73x over 16; 28x28 by 32 maps: 0.94x over
 * 16, 1.26x over 24). */
#define NN_WINO (NN_VW > 1)
#define NN_WINO_IC 16
static int conv_wino(const Layer *ly) { return NN_WINO && ly->k == 3 && ly->ic >= NN_WINO_IC; }

static int conv_shape(Layer *ly, char *why, size_t n)
{
    size_t k = ly->k, p = ly->pad, K;
    if (ly->ih + 2 * p < k || ly->iw + 2 * p < k) {
        snprintf(why, n, "a %zux%zu kernel does not fit its %zux%zu input%s", k, k, ly->ih, ly->iw, p ? " with its padding" : "");
        return -1;
    }
    if (k > NN_MAX_WIDTH || (K = k * k * ly->ic) > NN_MAX_PARAMS) {
        snprintf(why, n, "a %zux%zu kernel over %zu channels has more than %d weights", k, k, ly->ic, NN_MAX_PARAMS);
        return -1;
    }
    ly->oh = ly->ih + 2 * p - k + 1, ly->ow = ly->iw + 2 * p - k + 1, ly->nout = ly->oc * ly->oh * ly->ow;
    ly->wrows = ly->oc, ly->wcols = K, ly->ldw = round_up(K, NN_PAD), ly->nbias = ly->oc;
    ly->nw = ly->oc * ly->ldw, ly->nb = round_up(ly->oc, NN_PAD);
    ly->part = ly->nw + ly->nb; /* a group's partial sums, shaped as W and B */
    ly->tmp = ly->oh * ly->ow * 2 * ly->ldw; /* backward's patches and their deltas */
    K = K * conv_ldo(ly) + round_up(conv_padded(ly), NN_PAD) + (ly->oh * ly->ow + 8) * 64; /* forward's WT, padded image, partial sums */
    if (K > ly->tmp) ly->tmp = K;
#if NN_WINO
    if (conv_wino(ly) && (K = 16 * ly->ic * conv_ldo(ly) + round_up(conv_padded(ly), NN_PAD) + wino_scratch(ly->ic, conv_ldo(ly))) > ly->tmp)
        ly->tmp = K; /* inference's U, padded image, V and M */
#endif
    return 0;
}

static size_t conv_macs(const Layer *ly) { return ly->oc * ly->wcols * ly->oh * ly->ow; }

/* 20c5, 32c3p1, 20c5p2tanh: maps, c, the kernel size, p and a padding. */
static int conv_looks(const char *p)
{
    while (*p >= '0' && *p <= '9') p++;
    return (*p == 'c' || *p == 'C') && p[1] >= '0' && p[1] <= '9';
}

static int conv_parse(const SpecPart *sp, const char **q, Layer *ly, Err *err)
{
    size_t v, kk, pad = 0;
    const char *s = scan_size(sp->p, NN_MAX_WIDTH, &v);
    if (s == sp->p || (*s != 'c' && *s != 'C')) return 0;
    if (!(s[1] >= '0' && s[1] <= '9')) return spec_fail(err, sp, "expected a kernel size after 'c', like 20c5");
    s = scan_size(s + 1, NN_MAX_WIDTH, &kk);
    if (*s == 'p' || *s == 'P') {
        if (!(s[1] >= '0' && s[1] <= '9')) return spec_fail(err, sp, "expected a padding after 'p', like 20c5p2");
        s = scan_size(s + 1, NN_MAX_WIDTH, &pad);
    }
    if (v == 0) return spec_fail(err, sp, "zero maps; a convolution needs at least 1");
    if (v > NN_MAX_WIDTH) return spec_fail(err, sp, "more than the limit of %d maps", NN_MAX_WIDTH);
    if (kk == 0 || kk > NN_MAX_WIDTH) return spec_fail(err, sp, "the kernel size must be 1 to %d", NN_MAX_WIDTH);
    if (pad > NN_MAX_WIDTH) return spec_fail(err, sp, "the padding must be smaller than the kernel");
    if (pad >= kk) return spec_fail(err, sp, "padding %zu is not smaller than the %zux%zu kernel", pad, kk, kk);
    if (*s == 'c' || *s == 'C' || *s == 'p' || *s == 'P' || (*s >= '0' && *s <= '9'))
        return spec_fail(err, sp, "expected a convolution like 20c5, 20c5p2 or 20c5p2tanh (maps, c, kernel size, p and a "
                                  "padding, an activation)");
    ly->oc = v;
    ly->k = kk;
    ly->pad = pad;
    *q = s;
    return 1;
}

static void conv_print(const Layer *ly, char *buf, size_t n)
{
    if (ly->pad) snprintf(buf, n, "%zuc%zup%zu", ly->oc, ly->k, ly->pad);
    else snprintf(buf, n, "%zuc%zu", ly->oc, ly->k);
}

/* d[0..n) = s[0..n): a run of a patch, often short (5 floats for a 5x5
 * kernel on one channel), where memcpy's call and a scalar loop cost more
 * than the copy.  AVX-512 reads the tail with one masked load, which
 * touches no memory outside the run, and writes it with a whole store:
 * d[n..) up to the next multiple of 16 becomes 0 -- the caller writes
 * its runs in order, so the zeros land where a later run, or a patch's
 * zero padding, goes, and leaves 16 floats of room after the last. */
static inline void copy_run(float *restrict d, const float *restrict s, size_t n)
{
#if NN_VW == 16
    for (; n >= 16; n -= 16, d += 16, s += 16) _mm512_storeu_ps(d, _mm512_loadu_ps(s));
    if (n) _mm512_storeu_ps(d, _mm512_maskz_loadu_ps((__mmask16)((1u << n) - 1), s));
#else
    for (size_t t = 0; t < n; t++) d[t] = s[t];
#endif
}

/* The patches of one input row x (ih, iw, ic) into P (oh*ow, ldw), and
 * zeros in up to 16 floats after it (copy_run); the padding of each patch
 * row is zero. */
static void im2col(const Layer *ly, const float *x, float *P)
{
    size_t k = ly->k, ic = ly->ic, run = k * ic, ld = ly->ldw;
    for (size_t oy = 0; oy < ly->oh; oy++)
        for (size_t ox = 0; ox < ly->ow; ox++) {
            float *p = P + (oy * ly->ow + ox) * ld;
            for (size_t dy = 0; dy < k; dy++) {
                float *q = p + dy * run;
                size_t y = oy + dy, x0 = ox; /* in padded coordinates */
                if (y < ly->pad || y - ly->pad >= ly->ih) {
                    memset(q, 0, run * sizeof(float));
                    continue;
                }
                y -= ly->pad;
                if (x0 >= ly->pad && x0 - ly->pad + k <= ly->iw) {
                    copy_run(q, x + (y * ly->iw + x0 - ly->pad) * ic, run);
                    continue;
                }
                for (size_t dx = 0; dx < k; dx++) {
                    size_t xx = x0 + dx;
                    if (xx < ly->pad || xx - ly->pad >= ly->iw) memset(q + dx * ic, 0, ic * sizeof(float));
                    else memcpy(q + dx * ic, x + (y * ly->iw + xx - ly->pad) * ic, ic * sizeof(float));
                }
            }
            for (size_t t = ly->wcols; t < ld; t++) p[t] = 0; /* (fewer than NN_PAD: no call) */
        }
}

/* dx (ih, iw, ic) = the patches' deltas dP (oh*ow, ldw) added back into
 * the places they were copied from. */
static void col2im(const Layer *ly, const float *dP, float *dx)
{
    size_t k = ly->k, ic = ly->ic;
    memset(dx, 0, ly->nin * sizeof(float));
    for (size_t oy = 0; oy < ly->oh; oy++)
        for (size_t ox = 0; ox < ly->ow; ox++) {
            const float *p = dP + (oy * ly->ow + ox) * ly->ldw;
            for (size_t dy = 0; dy < k; dy++) {
                size_t y = oy + dy;
                if (y < ly->pad || y - ly->pad >= ly->ih) continue;
                if (ox >= ly->pad && ox - ly->pad + k <= ly->iw) { /* the kernel row inside the image: one run of k * ic */
                    const float *restrict q = p + dy * k * ic;
                    float *restrict d = dx + ((y - ly->pad) * ly->iw + ox - ly->pad) * ic;
                    for (size_t c = 0; c < k * ic; c++) d[c] += q[c];
                    continue;
                }
                for (size_t dx_ = 0; dx_ < k; dx_++) {
                    size_t xx = ox + dx_;
                    const float *q = p + (dy * k + dx_) * ic;
                    float *d;
                    if (xx < ly->pad || xx - ly->pad >= ly->iw) continue;
                    d = dx + ((y - ly->pad) * ly->iw + xx - ly->pad) * ic;
                    for (size_t c = 0; c < ic; c++) d[c] += q[c];
                }
            }
        }
}

/* Forward: per image, the patches read in place (k_convfwd) times W's
 * transpose WT (K, ldo), built once per call in tmp, with the biases, into
 * Y's row, channel-last.  A padded convolution reads a copy of the image
 * with its rows and columns of zeros (in tmp after WT). */
static void conv_forward(const Layer *ly, const float *W, const float *B, float *S, const float *X, size_t m,
                         const Part *pt, float *Y, const float *part, float *tmp, int train)
{
    (void)part;
    size_t ldo = conv_ldo(ly), K = ly->wcols, ic = ly->ic, p = ly->pad, iwp = ly->iw + 2 * p;
    int wino = !train && conv_wino(ly);
    float *WT = tmp, *xp = WT + (wino ? 16 * ic : K) * ldo, *Z = xp + round_up(conv_padded(ly), NN_PAD); /* (K, ldo) or U, the padded image, scratch */
    (void)S, (void)m;
#if NN_WINO
    if (wino) wino_weights(W, ly->ldw, ic, ly->oc, ldo, WT);
#endif
    for (size_t k = 0; k < K && !wino; k++) {
        for (size_t j = 0; j < ly->oc; j++) WT[k * ldo + j] = W[j * ly->ldw + k];
        for (size_t j = ly->oc; j < ldo; j++) WT[k * ldo + j] = 0;
    }
    if (p) memset(xp, 0, conv_padded(ly) * sizeof(float));
    for (size_t b = pt->b0; b < pt->b1; b++) {
        const float *x = X + b * ly->ldin;
        if (p) {
            for (size_t y = 0; y < ly->ih; y++)
                memcpy(xp + ((y + p) * iwp + p) * ic, x + y * ly->iw * ic, ly->iw * ic * sizeof(float));
            x = xp;
        }
#if NN_WINO
        if (wino) {
            k_wino(x, ly->ih + 2 * p, iwp, ic, WT, ldo, ly->oc, B, ly->act == ACT_RELU, Y + b * ly->ldout, Z);
            continue;
        }
#endif
        k_convfwd(x, iwp, ic, ly->k, ly->oh, ly->ow, WT, ldo, ly->oc, B, ly->act == ACT_RELU, Y + b * ly->ldout, Z);
    }
}

/* Backward, image by image while its patches are in cache: the patches
 * again (cheaper than keeping a mini-batch's, megabytes, from forward),
 * the image's share of the weight and bias gradients added to its group's
 * partial sums, and (dX) the patches' deltas dY W put back into place. */
static void conv_backward(const Layer *ly, const float *W, const float *S, const float *dY, const float *X,
                          const float *Y, size_t m, const Part *pt, float *dX, float *part, float *tmp, int train)
{
    size_t P = ly->oh * ly->ow;
    float *Pt = tmp, *dP = tmp + P * ly->ldw;
    (void)S, (void)Y, (void)m, (void)train;
    for (size_t b = pt->b0; b < pt->b1; b++) {
        const float *dy = dY + b * ly->ldout;
        float *g = part + b / NN_GROUP * ly->part;
        im2col(ly, X + b * ly->ldin, Pt);
        k_wgrad(dy, ly->oc, P, Pt, ly->ldw, 0, ly->oc, g, g + ly->nw, b % NN_GROUP == 0);
        if (!dX) continue;
        k_backprop(dy, ly->oc, P, W, ly->ldw, ly->oc, 0, ly->ldw, dP);
        col2im(ly, dP, dX + b * ly->ldin);
    }
}

/* The gradient of weight columns [i0, i1) of rows [j0, j1) (and with Gb
 * the biases): the groups' partial sums added up in group order.  G is
 * never NULL here: a convolution's step is taken apart (layer_update). */
static void conv_update(const Layer *ly, const float *S, const float *dY, size_t m, const float *X,
                        const float *part, size_t i0, size_t i1, size_t j0, size_t j1, float c, float decay, float *W,
                        float *B, float *G, float *Gb)
{
    size_t ng = (m + NN_GROUP - 1) / NN_GROUP;
    (void)S, (void)dY, (void)X, (void)c, (void)decay, (void)W, (void)B;
    for (size_t j = j0; j < j1; j++) {
        float *restrict g = G + j * ly->ldw;
        for (size_t i = i0; i < i1; i++) g[i] = part[j * ly->ldw + i];
        for (size_t q = 1; q < ng; q++) {
            const float *restrict s = part + q * ly->part + j * ly->ldw;
            for (size_t i = i0; i < i1; i++) g[i] += s[i];
        }
        if (Gb) {
            Gb[j] = part[ly->nw + j];
            for (size_t q = 1; q < ng; q++) Gb[j] += part[q * ly->part + ly->nw + j];
        }
    }
}

/* A convolution's record: maps, kernel size, padding (4 bytes each). */
static void conv_rec_save(Buf *b, const Layer *ly)
{
    buf_u32(b, (uint32_t)ly->oc), buf_u32(b, (uint32_t)ly->k), buf_u32(b, (uint32_t)ly->pad);
}

static int conv_rec_load(const uint8_t *p, size_t n, Layer *ly)
{
    if (n != 12) return -1;
    ly->oc = get_le32(p), ly->k = get_le32(p + 4), ly->pad = get_le32(p + 8);
    return ly->oc < 1 || ly->oc > NN_MAX_WIDTH || ly->k < 1 || ly->k > NN_MAX_WIDTH || ly->pad >= ly->k ? -1 : 0;
}

/* C for z = conv(a), channel-last as nn computes it: float (q8 0: each
 * map's sum starts at its bias, products added in order) or int8 (q8 1: the
 * input quantised into q with scale sx, int32 sums, then scaled; see "int8
 * inference" below). */
static void conv_loops_c(Buf *b, const Layer *ly, const char *l, int q8)
{
    char t[1800], decl[96], fin[128];
    if (q8) {
        snprintf(decl, sizeof decl, "int32_t acc = 0;");
        snprintf(fin, sizeof fin, "(float)acc * (nn_s%s[c] * sx) + nn_b%s[c]", l, l);
        snprintf(t, sizeof t, "    {\n        const float sx = nn_quantize(a, %zu, q);\n", ly->nin);
        buf_put(b, t, strlen(t));
    } else {
        snprintf(decl, sizeof decl, "float s = nn_b%s[c];", l);
        snprintf(fin, sizeof fin, "s");
    }
    snprintf(t, sizeof t,
             "    for (int oy = 0; oy < %zu; oy++)\n"
             "        for (int ox = 0; ox < %zu; ox++)\n"
             "            for (int c = 0; c < %zu; c++) {\n"
             "                %s\n"
             "                for (int dy = 0; dy < %zu; dy++) {\n"
             "                    int y = oy + dy - %zu;\n"
             "                    if (y < 0 || y >= %zu) continue;\n"
             "                    for (int dx = 0; dx < %zu; dx++) {\n"
             "                        int x = ox + dx - %zu;\n"
             "                        if (x < 0 || x >= %zu) continue;\n"
             "                        for (int i = 0; i < %zu; i++)\n"
             "                            %s += %snn_w%s[c * %zu + (dy * %zu + dx) * %zu + i] * %s[(y * %zu + x) * %zu + i];\n"
             "                    }\n"
             "                }\n"
             "                z[(oy * %zu + ox) * %zu + c] = %s;\n"
             "            }\n%s",
             ly->oh, ly->ow, ly->oc, decl, ly->k, ly->pad, ly->ih, ly->k, ly->pad, ly->iw, ly->ic, q8 ? "acc" : "s", q8 ? "(int32_t)" : "", l,
             ly->wcols, ly->k, ly->ic, q8 ? "q" : "a", ly->iw, ly->ic, ly->ow, ly->oc, fin, q8 ? "    }\n" : "");
    buf_put(b, t, strlen(t));
}

static void conv_export(Buf *b, const Layer *ly, const char *l) { conv_loops_c(b, ly, l, 0); }

/* Conv on (N, C, H, W): nn's kernels (out, dy, dx, in) as ONNX's (out, in, dy, dx). */
static void conv_onnx(Onnx *g, const Layer *ly, const float *W, const float *B, const float *S, const char *l)
{
    char wn[32], bn[32], out[32];
    size_t k = ly->k, ic = ly->ic;
    float *w = alloc_floats2(ly->oc, ly->wcols);
    int64_t dw[4] = {(int64_t)ly->oc, (int64_t)ic, (int64_t)k, (int64_t)k}, db = (int64_t)ly->oc, p = (int64_t)ly->pad;
    OnnxAttr at[3] = {{"kernel_shape", 7, 0, {(int64_t)k, (int64_t)k}, 2}, {"pads", 7, 0, {p, p, p, p}, 4}, {"strides", 7, 0, {1, 1}, 2}};
    const char *in[3];
    (void)S;
    if (!w) {
        g->nodes.oom = 1;
        return;
    }
    onnx_layout(g, ly, 1);
    for (size_t o = 0; o < ly->oc; o++)
        for (size_t c = 0; c < ic; c++)
            for (size_t dy = 0; dy < k; dy++)
                for (size_t dx = 0; dx < k; dx++)
                    w[((o * ic + c) * k + dy) * k + dx] = W[o * ly->ldw + (dy * k + dx) * ic + c];
    snprintf(wn, sizeof wn, "W%s", l), snprintf(bn, sizeof bn, "B%s", l);
    onnx_init(g, wn, dw, 4, w, NULL);
    onnx_init(g, bn, &db, 1, B, NULL);
    in[0] = g->cur, in[1] = wn, in[2] = bn;
    onnx_node(g, "Conv", in, 3, onnx_name(g, out, sizeof out), at, 3);
    free(w);
}

static void conv_q8(const Layer *ly, const int8_t *Q, const float *S, const float *B, const float *St, const float *a, int8_t *qa,
                    float *z)
{
    const float sx = q8_input(a, ly->nin, qa);
    const size_t k = ly->k, ic = ly->ic;
    (void)St;
    for (size_t oy = 0; oy < ly->oh; oy++)
        for (size_t ox = 0; ox < ly->ow; ox++)
            for (size_t c = 0; c < ly->oc; c++) {
                int32_t acc = 0;
                for (size_t dy = 0; dy < k; dy++) {
                    size_t y = oy + dy - ly->pad; /* (wraps below 0: then >= ih) */
                    if (oy + dy < ly->pad || y >= ly->ih) continue;
                    for (size_t dx = 0; dx < k; dx++) {
                        size_t x = ox + dx - ly->pad;
                        if (ox + dx < ly->pad || x >= ly->iw) continue;
                        for (size_t i = 0; i < ic; i++) acc += (int32_t)Q[c * ly->wcols + (dy * k + dx) * ic + i] * qa[(y * ly->iw + x) * ic + i];
                    }
                }
                z[(oy * ly->ow + ox) * ly->oc + c] = (float)acc * (S[c] * sx) + B[c];
            }
}

static void conv_export_q8(Buf *b, const Layer *ly, const char *l) { conv_loops_c(b, ly, l, 1); }

/* ======================================================================== */
/* @@pool pooling                                                          */
/* ======================================================================== */

/* Pooling (LAYER_MAXPOOL, LAYER_AVGPOOL): k x k windows with stride k,
 * each channel on its own, no parameters.  The windows must tile the
 * input.  Max pooling's gradient goes to the window's first largest input
 * (in row order), as PyTorch's does, found again from the input. */
static int pool_shape(Layer *ly, char *why, size_t n)
{
    if (ly->ih % ly->k || ly->iw % ly->k) {
        snprintf(why, n, "a %zux%zu pool does not divide its %zux%zu input", ly->k, ly->k, ly->ih, ly->iw);
        return -1;
    }
    ly->oc = ly->ic, ly->oh = ly->ih / ly->k, ly->ow = ly->iw / ly->k, ly->nout = ly->oc * ly->oh * ly->ow;
    ly->wrows = ly->wcols = ly->ldw = ly->nbias = ly->nw = ly->nb = ly->part = ly->tmp = 0;
    return 0;
}

static size_t pool_macs(const Layer *ly) { return ly->nin; }

/* mp2, ap2: max or average pooling and the window's size. */
static int pool_looks(const char *p) { return (p[0] == 'm' || p[0] == 'M' || p[0] == 'a' || p[0] == 'A') && (p[1] == 'p' || p[1] == 'P'); }

static int pool_parse(const SpecPart *sp, const char **q, Layer *ly, Err *err, char which)
{
    size_t v;
    const char *s = sp->p + 2;
    if (!pool_looks(sp->p) || (sp->p[0] | 0x20) != which) return 0;
    if (!(*s >= '0' && *s <= '9')) return spec_fail(err, sp, "expected a window size after '%.2s', like mp2", sp->p);
    s = scan_size(s, NN_MAX_WIDTH, &v);
    if (v == 0 || v > NN_MAX_WIDTH) return spec_fail(err, sp, "the window size must be 1 to %d", NN_MAX_WIDTH);
    ly->k = v;
    ly->act = ACT_LINEAR;
    *q = s;
    return 1;
}
static int maxpool_looks(const char *p) { return pool_looks(p) && (p[0] | 0x20) == 'm'; }
static int avgpool_looks(const char *p) { return pool_looks(p) && (p[0] | 0x20) == 'a'; }
static int maxpool_parse(const SpecPart *sp, const char **q, Layer *ly, Err *err) { return pool_parse(sp, q, ly, err, 'm'); }
static int avgpool_parse(const SpecPart *sp, const char **q, Layer *ly, Err *err) { return pool_parse(sp, q, ly, err, 'a'); }

static void pool_print(const Layer *ly, char *buf, size_t n)
{
    snprintf(buf, n, "%s%zu", ly->kind == LAYER_MAXPOOL ? "mp" : "ap", ly->k);
}
static void pool_init(const Layer *ly, float *W, float *B, int how, Rng *r) { (void)ly, (void)W, (void)B, (void)how, (void)r; }

/* The offset in an input row of window (oy, ox)'s first largest value of
 * channel c. */
static size_t pool_argmax(const Layer *ly, const float *x, size_t oy, size_t ox, size_t c)
{
    size_t best = (oy * ly->k * ly->iw + ox * ly->k) * ly->ic + c;
    for (size_t dy = 0; dy < ly->k; dy++)
        for (size_t dx = 0; dx < ly->k; dx++) {
            size_t o = ((oy * ly->k + dy) * ly->iw + ox * ly->k + dx) * ly->ic + c;
            if (x[o] > x[best]) best = o;
        }
    return best;
}

static void pool_forward(const Layer *ly, const float *W, const float *B, float *S, const float *X, size_t m,
                         const Part *pt, float *Y, const float *part, float *tmp, int train)
{
    (void)part;
    size_t k = ly->k, ic = ly->ic;
    float inv = 1.0f / (float)(k * k);
    (void)W, (void)B, (void)S, (void)m, (void)tmp, (void)train;
    for (size_t b = pt->b0; b < pt->b1; b++) {
        const float *x = X + b * ly->ldin;
        for (size_t oy = 0; oy < ly->oh; oy++)
            for (size_t ox = 0; ox < ly->ow; ox++) {
                float *y = Y + b * ly->ldout + (oy * ly->ow + ox) * ic;
                const float *x0 = x + (oy * k * ly->iw + ox * k) * ic;
#if NN_VW == 16
                if (ly->kind == LAYER_MAXPOOL) { /* 16 channels at a time, the last block masked */
                    for (size_t c = 0; c < ic; c += 16) {
                        __mmask16 msk = ic - c >= 16 ? (__mmask16)0xffff : (__mmask16)((1u << (ic - c)) - 1);
                        __m512 v = _mm512_maskz_loadu_ps(msk, x0 + c);
                        for (size_t dy = 0; dy < k; dy++)
                            for (size_t dx = dy ? 0 : 1; dx < k; dx++) /* (max(q, y): y kept when equal, as below) */
                                v = _mm512_max_ps(_mm512_maskz_loadu_ps(msk, x0 + (dy * ly->iw + dx) * ic + c), v);
                        _mm512_mask_storeu_ps(y + c, msk, v);
                    }
                    continue;
                }
#endif
                memcpy(y, x0, ic * sizeof(float));
                for (size_t dy = 0; dy < k; dy++)
                    for (size_t dx = dy ? 0 : 1; dx < k; dx++) {
                        const float *q = x0 + (dy * ly->iw + dx) * ic;
                        if (ly->kind == LAYER_MAXPOOL)
                            for (size_t c = 0; c < ic; c++) y[c] = q[c] > y[c] ? q[c] : y[c];
                        else
                            for (size_t c = 0; c < ic; c++) y[c] += q[c];
                    }
                if (ly->kind == LAYER_AVGPOOL)
                    for (size_t c = 0; c < ic; c++) y[c] *= inv;
            }
    }
}

/* Max pooling's gradient over one window of ic <= 256 channels: dx = g at
 * the first input (in row order) equal to the maximum y, 0 elsewhere;
 * branch-free over the channels, so that it runs as vector code. */
static void maxpool_window(size_t k, size_t iw, size_t ic, const float *restrict x, const float *restrict y,
                           const float *restrict g, float *restrict dx)
{
#if NN_VW == 16 /* 16 channels at a time, the last block masked: the lanes still looking for their maximum in a mask */
    for (size_t c = 0; c < ic; c += 16) {
        __mmask16 m = ic - c >= 16 ? (__mmask16)0xffff : (__mmask16)((1u << (ic - c)) - 1), left = m;
        __m512 yv = _mm512_maskz_loadu_ps(m, y + c), gv = _mm512_maskz_loadu_ps(m, g + c), one = _mm512_set1_ps(1.0f);
        for (size_t dy = 0; dy < k; dy++)
            for (size_t d = 0; d < k; d++) {
                size_t o = (dy * iw + d) * ic + c;
                __mmask16 hit = _mm512_mask_cmp_ps_mask(left, _mm512_maskz_loadu_ps(m, x + o), yv, _CMP_EQ_OQ);
                _mm512_mask_storeu_ps(dx + o, m, _mm512_mul_ps(_mm512_maskz_mov_ps(hit, one), gv)); /* (0 * g: as the plain loop, -0 for g < 0) */
                left = (__mmask16)(left & ~hit);
            }
    }
#else
    float left[256]; /* 1 until the channel's maximum is found */
    for (size_t c = 0; c < ic; c++) left[c] = 1.0f;
    for (size_t dy = 0; dy < k; dy++)
        for (size_t d = 0; d < k; d++) {
            size_t o = (dy * iw + d) * ic;
            for (size_t c = 0; c < ic; c++) {
                float hit = x[o + c] == y[c] ? left[c] : 0.0f;
                dx[o + c] = hit * g[c];
                left[c] -= hit;
            }
        }
#endif
}

static void pool_backward(const Layer *ly, const float *W, const float *S, const float *dY, const float *X,
                          const float *Y, size_t m, const Part *pt, float *dX, float *part, float *tmp, int train)
{
    size_t k = ly->k, ic = ly->ic;
    float inv = 1.0f / (float)(k * k);
    (void)W, (void)S, (void)m, (void)part, (void)tmp, (void)train;
    if (!dX) return;
    for (size_t b = pt->b0; b < pt->b1; b++) {
        const float *x = X + b * ly->ldin, *dy_ = dY + b * ly->ldout, *y_ = Y + b * ly->ldout;
        float *dx = dX + b * ly->ldin;
        for (size_t oy = 0; oy < ly->oh; oy++)
            for (size_t ox = 0; ox < ly->ow; ox++) {
                const float *g = dy_ + (oy * ly->ow + ox) * ic, *y = y_ + (oy * ly->ow + ox) * ic;
                size_t o0 = (oy * k * ly->iw + ox * k) * ic;
                if (ly->kind == LAYER_AVGPOOL) {
                    for (size_t dy = 0; dy < k; dy++)
                        for (size_t d = 0; d < k; d++)
                            for (size_t c = 0; c < ic; c++) dx[o0 + (dy * ly->iw + d) * ic + c] = g[c] * inv;
                    continue;
                }
                /* the first input equal to the window's maximum (the forward pass's output y) takes it all */
                if (ic <= 256 || NN_VW == 16) maxpool_window(k, ly->iw, ic, x + o0, y, g, dx + o0);
                else { /* (wide: by searching) */
                    for (size_t dy = 0; dy < k; dy++)
                        for (size_t d = 0; d < k; d++) memset(dx + o0 + (dy * ly->iw + d) * ic, 0, ic * sizeof(float));
                    for (size_t c = 0; c < ic; c++) dx[pool_argmax(ly, x, oy, ox, c)] = g[c];
                }
            }
    }
}

/* (Also the update of any kind without weights: nothing.) */
static void pool_update(const Layer *ly, const float *S, const float *dY, size_t m, const float *X,
                        const float *part, size_t i0, size_t i1, size_t j0, size_t j1, float c, float decay, float *W,
                        float *B, float *G, float *Gb)
{
    (void)S, (void)ly, (void)dY, (void)m, (void)X, (void)part, (void)i0, (void)i1, (void)j0, (void)j1, (void)c, (void)decay;
    (void)W, (void)B, (void)G, (void)Gb;
}

/* A pool's record: its window size (4 bytes). */
static void pool_rec_save(Buf *b, const Layer *ly) { buf_u32(b, (uint32_t)ly->k); }

static int pool_rec_load(const uint8_t *p, size_t n, Layer *ly)
{
    if (n != 4) return -1;
    ly->k = get_le32(p);
    return ly->k < 1 || ly->k > NN_MAX_WIDTH ? -1 : 0;
}

static void pool_export(Buf *b, const Layer *ly, const char *l)
{
    char t[1024], tail[48] = "";
    int mx = ly->kind == LAYER_MAXPOOL;
    (void)l;
    if (!mx) snprintf(tail, sizeof tail, " * (1.0f / %zu.0f)", ly->k * ly->k);
    snprintf(t, sizeof t,
             "    for (int oy = 0; oy < %zu; oy++)\n"
             "        for (int ox = 0; ox < %zu; ox++)\n"
             "            for (int c = 0; c < %zu; c++) {\n"
             "                float s = a[(oy * %zu * %zu + ox * %zu) * %zu + c];\n"
             "                for (int dy = 0; dy < %zu; dy++)\n"
             "                    for (int dx = dy ? 0 : 1; dx < %zu; dx++) {\n"
             "                        float v = a[((oy * %zu + dy) * %zu + ox * %zu + dx) * %zu + c];\n"
             "                        %s\n"
             "                    }\n"
             "                z[(oy * %zu + ox) * %zu + c] = s%s;\n"
             "            }\n",
             ly->oh, ly->ow, ly->ic, ly->k, ly->iw, ly->k, ly->ic, ly->k, ly->k, ly->k, ly->iw, ly->k, ly->ic,
             mx ? "s = v > s ? v : s;" : "s += v;", ly->ow, ly->ic, tail);
    buf_put(b, t, strlen(t));
}

static void pool_onnx(Onnx *g, const Layer *ly, const float *W, const float *B, const float *S, const char *l)
{
    int64_t k = (int64_t)ly->k;
    OnnxAttr at[2] = {{"kernel_shape", 7, 0, {k, k}, 2}, {"strides", 7, 0, {k, k}, 2}};
    (void)W, (void)B, (void)S, (void)l;
    onnx_layout(g, ly, 1);
    onnx_unary(g, ly->kind == LAYER_MAXPOOL ? "MaxPool" : "AveragePool", at, 2);
}

/* A pool on one row, in float, as pool_export's C computes it. */
static void pool_q8(const Layer *ly, const int8_t *Q, const float *S, const float *B, const float *St, const float *a, int8_t *qa,
                    float *z)
{
    const size_t k = ly->k, ic = ly->ic, iw = ly->iw;
    const float inv = 1.0f / (float)(k * k);
    (void)Q, (void)S, (void)B, (void)St, (void)qa;
    for (size_t oy = 0; oy < ly->oh; oy++)
        for (size_t ox = 0; ox < ly->ow; ox++)
            for (size_t c = 0; c < ic; c++) {
                float s = a[(oy * k * iw + ox * k) * ic + c];
                for (size_t dy = 0; dy < k; dy++)
                    for (size_t dx = dy ? 0 : 1; dx < k; dx++) {
                        float v = a[((oy * k + dy) * iw + ox * k + dx) * ic + c];
                        if (ly->kind == LAYER_MAXPOOL) s = v > s ? v : s;
                        else s += v;
                    }
                z[(oy * ly->ow + ox) * ic + c] = ly->kind == LAYER_MAXPOOL ? s : s * inv;
            }
}

/* ======================================================================== */
/* @@ple piecewise-linear encoding                                         */
/* ======================================================================== */

/* Piecewise-linear encoding (LAYER_PLE; Gorishniy, Rubachev and Babenko,
 * "On Embeddings for Numerical Features in Tabular Deep Learning", 2022):
 * each input x_i becomes k values, one per bin of its training values cut
 * at their quantiles: 1 for a bin wholly below x, 0 for one above, the
 * fraction of the bin for the bin x falls in; below the first edge the
 * first bin's value goes on falling, above the last the last's on rising.
 * The layer after it so learns a function of each number made of k lines,
 * a dense layer's way to the steps a boosted tree takes.  Output j = i k +
 * b (input i, bin b) is min(max((x_i - lo_j) inv_j, lower_j), upper_j);
 * its state, fitted on the training rows before training (ple_fit), holds
 * the four arrays lo, inv, lower and upper, nout values each.  A bin lost
 * to repeated values (a column of few values: a one-hot column keeps one
 * bin, the value itself) has all four 0, and gives 0.  No weights; the
 * state does not train.  pleKv (ly->pad 1) gives each input's value itself
 * first, then its K bins (K + 1 values an input: lo 0, inv 1, no clipping);
 * a column of two values keeps only the value.  The layer after it then
 * learns a line in each number as cheaply as without bins, and the bins
 * only for the bends. */
#define NN_MAX_BINS 64
static int ple_shape(Layer *ly, char *why, size_t n)
{
    (void)why, (void)n;
    ly->nout = ly->nin * (ly->k + ly->pad);
    ly->oc = ly->nout, ly->oh = ly->ow = 1;
    ly->wrows = ly->wcols = ly->ldw = ly->nbias = ly->nw = ly->nb = ly->part = ly->tmp = 0;
    ly->ns = 4 * ly->nout;
    return 0;
}

static size_t ple_count(const Layer *ly) { return (void)ly, 0; }
static size_t ple_macs(const Layer *ly) { return ly->nout; }

/* ple8: the bins an input is cut into; ple8v: its value, then 8 bins. */
static int ple_looks(const char *p) { return (p[0] | 0x20) == 'p' && (p[1] | 0x20) == 'l' && (p[2] | 0x20) == 'e'; }

static int ple_parse(const SpecPart *sp, const char **q, Layer *ly, Err *err)
{
    const char *s = sp->p + 3;
    size_t v;
    if (!ple_looks(sp->p)) return 0;
    if (!(*s >= '0' && *s <= '9')) return spec_fail(err, sp, "expected the number of bins after 'ple', like ple8");
    s = scan_size(s, NN_MAX_WIDTH, &v);
    if (v < 2 || v > NN_MAX_BINS) return spec_fail(err, sp, "the number of bins must be 2 to %d", NN_MAX_BINS);
    ly->k = v, ly->act = ACT_LINEAR, ly->pad = (*s | 0x20) == 'v';
    *q = s + ly->pad;
    return 1;
}

static void ple_print(const Layer *ly, char *buf, size_t n) { snprintf(buf, n, "ple%zu%s", ly->k, ly->pad ? "v" : ""); }

/* Nothing: until fitted (net_fit) every bin gives 0. */
static void ple_init(const Layer *ly, float *W, float *B, int how, Rng *r)
{
    (void)W, (void)B, (void)how, (void)r, (void)ly;
}

static void ple_forward(const Layer *ly, const float *W, const float *B, float *S, const float *X, size_t m,
                        const Part *pt, float *Y, const float *part, float *tmp, int train)
{
    (void)part;
    const size_t n = ly->nout, k = ly->k + ly->pad;
    const float *lo = S, *inv = S + n, *lower = S + 2 * n, *upper = S + 3 * n;
    (void)W, (void)B, (void)m, (void)tmp, (void)train;
    for (size_t b = pt->b0; b < pt->b1; b++) {
        const float *x = X + b * ly->ldin;
        float *y = Y + b * ly->ldout;
        for (size_t j = pt->j0; j < pt->j1; j++) {
            float v = (x[j / k] - lo[j]) * inv[j];
            v = v < lower[j] ? lower[j] : v;
            y[j] = v > upper[j] ? upper[j] : v;
        }
    }
}

/* dx_i = sum over its bins of dy_j inv_j where the value was not clipped. */
static void ple_backward(const Layer *ly, const float *W, const float *S, const float *dY, const float *X,
                         const float *Y, size_t m, const Part *pt, float *dX, float *part, float *tmp, int train)
{
    const size_t n = ly->nout, k = ly->k + ly->pad;
    const float *lo = S, *inv = S + n, *lower = S + 2 * n, *upper = S + 3 * n;
    (void)W, (void)Y, (void)m, (void)part, (void)tmp, (void)train;
    if (!dX) return;
    for (size_t b = pt->b0; b < pt->b1; b++) {
        const float *x = X + b * ly->ldin, *dy = dY + b * ly->ldout;
        float *dx = dX + b * ly->ldin;
        for (size_t i = pt->j0; i < pt->j1 && i < ly->nin; i++) {
            float s = 0;
            for (size_t j = i * k; j < (i + 1) * k; j++) {
                float v = (x[i] - lo[j]) * inv[j];
                if (v >= lower[j] && v < upper[j]) s += dy[j] * inv[j]; /* (at an edge: the slope above it) */
            }
            dx[i] = s;
        }
    }
}

static int float_cmp(const void *a, const void *b)
{
    float x = *(const float *)a, y = *(const float *)b;
    return (x > y) - (x < y);
}

/* The edges of each input: its values over the m rows sorted, the k + 1
 * quantiles q/k (the nearest rank), repeated ones dropped; with the value
 * kept (pleKv), it first, and no bins for a column of two values. */
static void ple_fit(const Layer *ly, float *S, const float *X, size_t m)
{
    const size_t n = ly->nout, k = ly->k, v1 = ly->pad;
    float *lo = S, *inv = S + n, *lower = S + 2 * n, *upper = S + 3 * n, *v = alloc_floats(m + 1), e[NN_MAX_BINS + 1];
    memset(S, 0, 4 * n * sizeof(float));
    if (!v) return; /* (then every bin gives 0: the caller checked the memory it needed first) */
    for (size_t i = 0; i < ly->nin; i++) {
        size_t ne = 0;
        for (size_t r = 0; r < m; r++) v[r] = X[r * ly->ldin + i];
        qsort(v, m, sizeof *v, float_cmp);
        for (size_t q = 0; q <= k; q++) {
            float t = v[(size_t)((double)q * (double)(m - 1) / (double)k + 0.5)];
            if (!ne || t > e[ne - 1]) e[ne++] = t;
        }
        if (v1) {
            size_t j = i * (k + 1);
            lo[j] = 0, inv[j] = 1, lower[j] = -FLT_MAX, upper[j] = FLT_MAX;
            if (ne <= 2) ne = 0; /* (one bin: the value again) */
        }
        for (size_t b = 0; b + 1 < ne; b++) {
            size_t j = i * (k + v1) + v1 + b;
            lo[j] = e[b], inv[j] = 1.0f / (e[b + 1] - e[b]);
            lower[j] = b == 0 ? -FLT_MAX : 0.0f, upper[j] = b + 2 == ne ? FLT_MAX : 1.0f;
            if (!isfinite(inv[j])) lo[j] = inv[j] = lower[j] = upper[j] = 0; /* (edges a float apart) */
        }
    }
    free(v);
}

/* Its record: the number of bins (4 bytes), then 1 when the value comes
 * first (4 bytes, only then). */
static void ple_rec_save(Buf *b, const Layer *ly)
{
    buf_u32(b, (uint32_t)ly->k);
    if (ly->pad) buf_u32(b, 1);
}

static int ple_rec_load(const uint8_t *p, size_t n, Layer *ly)
{
    if (n != 4 && !(n == 8 && get_le32(p + 4) == 1)) return -1;
    ly->k = get_le32(p), ly->pad = n == 8;
    return ly->k < 2 || ly->k > NN_MAX_BINS ? -1 : 0;
}

static void ple_export(Buf *b, const Layer *ly, const char *id)
{
    char t[1024];
    const size_t k = ly->k + ly->pad;
    snprintf(t, sizeof t,
             "    for (int j = 0; j < %zu; j++) { /* piecewise-linear encoding: input j / %zu, %s j %% %zu */\n"
             "        float v = (a[j / %zu] - nn_st%s[j]) * nn_st%s[%zu + j];\n"
             "        v = v < nn_st%s[%zu + j] ? nn_st%s[%zu + j] : v;\n"
             "        z[j] = v > nn_st%s[%zu + j] ? nn_st%s[%zu + j] : v;\n    }\n",
             ly->nout, k, ly->pad ? "its value (0) or bin" : "bin", k, k, id, id, ly->nout, id, 2 * ly->nout, id, 2 * ly->nout, id, 3 * ly->nout, id,
             3 * ly->nout);
    buf_put(b, t, strlen(t));
}

/* Gather (each input k times), then Sub, Mul, Max and Min by the state. */
static void ple_onnx(Onnx *g, const Layer *ly, const float *W, const float *B, const float *S, const char *id)
{
    char gn[40], out[32];
    int64_t dim = (int64_t)ly->nout, *idx = alloc_array(ly->nout, sizeof(int64_t));
    OnnxAttr ax = {"axis", 2, 0, {1}, 0};
    const char *in[2];
    (void)W, (void)B;
    if (!idx) {
        g->nodes.oom = 1;
        return;
    }
    onnx_layout(g, ly, 0);
    for (size_t j = 0; j < ly->nout; j++) idx[j] = (int64_t)(j / (ly->k + ly->pad));
    snprintf(gn, sizeof gn, "PLE%s", id);
    onnx_init(g, gn, &dim, 1, NULL, idx);
    in[0] = g->cur, in[1] = gn;
    onnx_node(g, "Gather", in, 2, onnx_name(g, out, sizeof out), &ax, 1);
    onnx_const_op(g, "Sub", S, ly->nout);
    onnx_const_op(g, "Mul", S + ly->nout, ly->nout);
    onnx_const_op(g, "Max", S + 2 * ly->nout, ly->nout);
    onnx_const_op(g, "Min", S + 3 * ly->nout, ly->nout);
    free(idx);
}

/* One row, in float, as ple_export's C computes it. */
static void ple_q8(const Layer *ly, const int8_t *Q, const float *Qs, const float *B, const float *S, const float *a, int8_t *qa,
                   float *z)
{
    const size_t n = ly->nout, k = ly->k + ly->pad;
    (void)Q, (void)Qs, (void)B, (void)qa;
    for (size_t j = 0; j < n; j++) {
        float v = (a[j / k] - S[j]) * S[n + j];
        v = v < S[2 * n + j] ? S[2 * n + j] : v;
        z[j] = v > S[3 * n + j] ? S[3 * n + j] : v;
    }
}

/* ======================================================================== */
/* @@bn batch normalisation                                                */
/* ======================================================================== */

/* Batch normalisation (LAYER_BN; Ioffe and Szegedy, 2015): each channel
 * c of its input (a convolution's map, pixel by pixel; a dense layer's
 * unit) is standardised and then scaled and shifted by two learned
 * numbers, y = gamma_c (x - mu_c) / sqrt(var_c + eps) + beta_c.  In
 * training mu and var are the mini-batch's (over its rows and, for maps,
 * every pixel: the biased variance), and running averages of them (of the
 * unbiased variance, as PyTorch keeps them) are kept in the state with
 * momentum ly->mom: r = (1 - mom) r + mom v; inference uses those.  gamma
 * is W (C rows of one weight each, padded to NN_PAD), beta B; the state S
 * holds the running means, then the running variances less 1 (so that the
 * zeros of a new network are PyTorch's start, mean 0 and variance 1).
 * In a spec, "bn" after a layer normalises its sums before its activation:
 * that layer's activation, when the spec names none, becomes bn's, and the
 * layer itself linear (32c3p1-bn is a convolution, then normalisation, then
 * relu).  Its statistics tie every row of the mini-batch together: each
 * thread sums over all of them, in one fixed order, and then computes its
 * own rows (split as a convolution's are), so the model does not depend on
 * the thread count; the thread with row 0 keeps the running averages.  In
 * training, each thread first sums its own rows, NN_GROUP at a time
 * (bn_stats), and forward and backward add up every group's sums in group
 * order (bn_gather): each row is read by one thread, and the sums do not
 * depend on the thread count.  A group's part: the gradient of gamma and
 * beta (2C floats; group 0's, which the backward pass leaves and update
 * steps), then 4C doubles of sums. */
#define NN_BN_MOMENTUM 0.1f
#define NN_BN_EPS 1e-5f

static int bn_shape(Layer *ly, char *why, size_t n)
{
    (void)why, (void)n;
    ly->oc = ly->ic, ly->oh = ly->ih, ly->ow = ly->iw, ly->nout = ly->nin;
    ly->wrows = ly->ic, ly->wcols = 1, ly->ldw = NN_PAD, ly->nbias = ly->ic;
    ly->nw = ly->ic * NN_PAD, ly->nb = round_up(ly->ic, NN_PAD);
    ly->part = 10 * ly->ic, ly->tmp = 18 * ly->ic + 16, ly->ns = 2 * ly->ic; /* (part: 2 C floats, 4 C doubles a group; tmp: 9 C doubles) */
    if (!(ly->mom > 0 && ly->mom <= 1)) ly->mom = NN_BN_MOMENTUM;
    if (!(ly->eps > 0 && ly->eps < 1)) ly->eps = NN_BN_EPS;
    return 0;
}

static size_t bn_count(const Layer *ly) { return 2 * ly->ic; }
static size_t bn_macs(const Layer *ly) { return ly->nout; }

/* bn, bnrelu: the notation, and an activation after it. */
static int bn_looks(const char *p) { return (p[0] | 0x20) == 'b' && (p[1] | 0x20) == 'n' && !(p[2] >= '0' && p[2] <= '9'); }

static int bn_parse(const SpecPart *sp, const char **q, Layer *ly, Err *err)
{
    (void)err;
    if (!bn_looks(sp->p)) return 0;
    ly->mom = NN_BN_MOMENTUM, ly->eps = NN_BN_EPS;
    *q = sp->p + 2;
    return 1;
}

static void bn_print(const Layer *ly, char *buf, size_t n) { (void)ly, snprintf(buf, n, "bn"); }

/* gamma 1, beta 0: the layer starts as a plain standardisation. */
static void bn_init(const Layer *ly, float *W, float *B, int how, Rng *r)
{
    (void)how, (void)r;
    for (size_t c = 0; c < ly->ic; c++) W[c * ly->ldw] = 1.0f, B[c] = 0.0f;
}

/* The sums over the m rows' P = oh x ow pixels that a channel's mean,
 * biased variance and (with dY) gradient need, in one pass, in double:
 * of d = x - K, d^2, dy and dy d, with K the channel's value in the first
 * row's first pixel (train) or its running mean (the values lie around
 * it, so the difference of the sums loses little).  sums: 5 C doubles,
 * K, sum d, sum d^2, sum dy, sum dy d. */
static void bn_sums(const Layer *ly, const float *S, const float *X, const float *dY, size_t m, int train, double *sums)
{
    size_t P = ly->oh * ly->ow, C = ly->ic;
    double *K = sums, *s1 = K + C, *s2 = s1 + C, *sy = s2 + C, *syd = sy + C;
    for (size_t c = 0; c < C; c++) K[c] = train ? X[c] : S[c], s1[c] = s2[c] = sy[c] = syd[c] = 0;
    for (size_t b = 0; b < m; b++)
        for (size_t i = 0; i < P; i++) {
            const float *x = X + b * ly->ldin + i * C, *dy = dY ? dY + b * ly->ldout + i * C : NULL;
            if (dy)
                for (size_t c = 0; c < C; c++) {
                    double d = (double)x[c] - K[c];
                    s1[c] += d, s2[c] += d * d, sy[c] += dy[c], syd[c] += dy[c] * d;
                }
            else
                for (size_t c = 0; c < C; c++) {
                    double d = (double)x[c] - K[c];
                    s1[c] += d, s2[c] += d * d;
                }
        }
}

/* Training: rows [pt->b0, pt->b1) of the mini-batch summed NN_GROUP at a
 * time into their groups' part -- of d and d^2 before forward (dY NULL),
 * of dy and dy d before backward -- with d = x - K as bn_sums has it. */
static void bn_stats(const Layer *ly, const float *S, const float *X, const float *dY, size_t m, const Part *pt, float *part)
{
    size_t P = ly->oh * ly->ow, C = ly->ic;
    (void)S, (void)m;
    for (size_t g0 = pt->b0; g0 < pt->b1; g0 += NN_GROUP) {
        size_t g1 = pt->b1 - g0 < NN_GROUP ? pt->b1 : g0 + NN_GROUP;
        double *a = (double *)(void *)(part + g0 / NN_GROUP * ly->part + 2 * C) + (dY ? 2 * C : 0), *q = a + C;
        for (size_t c = 0; c < C; c++) a[c] = q[c] = 0;
        for (size_t b = g0; b < g1; b++)
            for (size_t i = 0; i < P; i++) {
                const float *x = X + b * ly->ldin + i * C;
                if (dY) {
                    const float *dy = dY + b * ly->ldout + i * C;
                    for (size_t c = 0; c < C; c++) a[c] += dy[c], q[c] += dy[c] * ((double)x[c] - X[c]);
                } else
                    for (size_t c = 0; c < C; c++) {
                        double d = (double)x[c] - X[c];
                        a[c] += d, q[c] += d * d;
                    }
            }
    }
}

/* bn_sums's sums for the whole mini-batch of m rows from every group's
 * part, added in group order (with the backward pass's: back). */
static void bn_gather(const Layer *ly, const float *X, const float *part, size_t m, int back, double *sums)
{
    size_t C = ly->ic;
    for (size_t c = 0; c < 5 * C; c++) sums[c] = c < C ? X[c] : 0;
    for (size_t g = 0; g < (m + NN_GROUP - 1) / NN_GROUP; g++) {
        const double *q = (const double *)(const void *)(part + g * ly->part + 2 * C);
        for (size_t c = 0; c < (back ? 4 : 2) * C; c++) sums[C + c] += q[c];
    }
}

/* A channel's mean and its standard deviation s = sqrt(var + eps) from
 * bn_sums (train: the batch's; else the running ones). */
static void bn_moments(const Layer *ly, const float *S, const double *sums, double N, int train, size_t c, double *mu, double *var)
{
    size_t C = ly->ic;
    if (train) {
        double e = sums[C + c] / N, v = sums[2 * C + c] / N - e * e;
        *mu = sums[c] + e, *var = v > 0 ? v : 0;
    } else {
        *mu = S[c], *var = (double)S[C + c] + 1.0;
    }
}

/* tmp: 5 C doubles and 2 C floats (ly->tmp floats). */
static void bn_forward(const Layer *ly, const float *W, const float *B, float *S, const float *X, size_t m, const Part *pt,
                       float *Y, const float *part, float *tmp, int train)
{
    size_t P = ly->oh * ly->ow, C = ly->ic;
    double *sums = (double *)(void *)tmp, N = (double)(m * P);
    float *mean = (float *)(sums + 5 * C), *sc = mean + C;
    if (pt->b0 >= pt->b1) return;
    if (train) { /* (every row's sums, whatever rows this thread computes) */
        if (part) bn_gather(ly, X, part, m, 0, sums);
        else bn_sums(ly, S, X, NULL, m, 1, sums);
        for (size_t c = 0; c < C; c++) {
            double mu, var;
            bn_moments(ly, S, sums, N, 1, c, &mu, &var);
            mean[c] = (float)mu, sc[c] = (float)(W[c * ly->ldw] / sqrt(var + ly->eps));
            if (pt->b0) continue; /* (one thread keeps the running averages) */
            S[c] = (1 - ly->mom) * S[c] + ly->mom * (float)mu;
            S[C + c] = (1 - ly->mom) * S[C + c] + ly->mom * (float)((N > 1 ? var * N / (N - 1) : var) - 1.0);
        }
    } else { /* as the exported C computes it */
        for (size_t c = 0; c < C; c++) mean[c] = S[c], sc[c] = W[c * ly->ldw] / sqrtf(S[C + c] + 1.0f + ly->eps);
    }
    for (size_t b = pt->b0; b < pt->b1; b++)
        for (size_t i = 0; i < P; i++) {
            const float *x = X + b * ly->ldin + i * C;
            float *y = Y + b * ly->ldout + i * C;
            for (size_t c = 0; c < C; c++) y[c] = (x[c] - mean[c]) * sc[c] + B[c];
        }
}

/* Training: with xh = (x - mu) / s, s = sqrt(var + eps), over the N values
 * of a channel, dgamma = sum dy xh, dbeta = sum dy, and dx = gamma / (N s)
 * (N dy - dbeta - xh dgamma) = a dy - b - d (x - mu), a = gamma / s,
 * b = a dbeta / N, d = a dgamma / (N s).  Inference: the channel's scale
 * and shift are constants, dx = a dy.  tmp: 5 C doubles, then a, b, d and
 * mu (4 C doubles). */
static void bn_backward(const Layer *ly, const float *W, const float *S, const float *dY, const float *X, const float *Y,
                        size_t m, const Part *pt, float *dX, float *part, float *tmp, int train)
{
    size_t P = ly->oh * ly->ow, C = ly->ic;
    double *sums = (double *)(void *)tmp, *a = sums + 5 * C, *bb = a + C, *d = bb + C, *mu = d + C, N = (double)(m * P);
    (void)Y;
    if (pt->b0 >= pt->b1) return;
    if (train && part) bn_gather(ly, X, part, m, 1, sums);
    else bn_sums(ly, S, X, dY, m, train, sums);
    for (size_t c = 0; c < C; c++) {
        double var, s, db = sums[3 * C + c], dg;
        bn_moments(ly, S, sums, N, train, c, &mu[c], &var);
        s = sqrt(var + ly->eps);
        dg = (sums[4 * C + c] - (mu[c] - sums[c]) * db) / s; /* sum dy (x - mu) / s, (x - mu = d - (mu - K)) */
        if (part && !pt->b0) part[c] = (float)dg, part[C + c] = (float)db; /* (the thread with row 0) */
        a[c] = W[c * ly->ldw] / s, bb[c] = train ? a[c] * db / N : 0, d[c] = train ? a[c] * dg / (N * s) : 0;
    }
    if (!dX) return;
    for (size_t b = pt->b0; b < pt->b1; b++)
        for (size_t i = 0; i < P; i++) {
            const float *x = X + b * ly->ldin + i * C, *dy = dY + b * ly->ldout + i * C;
            float *dx = dX + b * ly->ldin + i * C;
            for (size_t c = 0; c < C; c++) dx[c] = (float)(a[c] * dy[c] - bb[c] - d[c] * ((double)x[c] - mu[c]));
        }
}

/* The gradient of gamma and beta from backward's sums (the thread given
 * weight column 0 takes them all); with no G, the SGD step at once. */
static void bn_update(const Layer *ly, const float *S, const float *dY, size_t m, const float *X, const float *part,
                      size_t i0, size_t i1, size_t j0, size_t j1, float c, float decay, float *W, float *B, float *G, float *Gb)
{
    (void)S, (void)dY, (void)m, (void)X;
    if (!part || i0 > 0 || i1 == 0) return;
    for (size_t j = j0; j < j1 && j < ly->ic; j++) {
        if (G) G[j * ly->ldw] = part[j];
        else W[j * ly->ldw] = decay * W[j * ly->ldw] - c * part[j];
        if (Gb) Gb[j] = part[ly->ic + j];
        else if (B) B[j] -= c * part[ly->ic + j];
    }
}

/* Its record: the momentum and epsilon (f32 each). */
static void bn_rec_save(Buf *b, const Layer *ly)
{
    buf_u32(b, f32_bits(ly->mom));
    buf_u32(b, f32_bits(ly->eps));
}

static int bn_rec_load(const uint8_t *p, size_t n, Layer *ly)
{
    if (n != 8) return -1;
    ly->mom = bits_f32(get_le32(p)), ly->eps = bits_f32(get_le32(p + 4));
    return ly->mom > 0 && ly->mom <= 1 && ly->eps > 0 && ly->eps < 1 ? 0 : -1;
}

/* gamma, one weight a channel, and beta, without their padding. */
static void bn_save(Buf *b, const Layer *ly, const float *W, const float *B)
{
    for (size_t c = 0; c < ly->ic; c++) buf_floats(b, W + c * ly->ldw, 1);
    buf_floats(b, B, ly->ic);
}

static int bn_load(Cursor *c, const Layer *ly, float *W, float *B)
{
    for (size_t k = 0; k < 2 * ly->ic; k++, c->p += 4) { /* (the caller checked the length: bn_count) */
        float v = bits_f32(get_le32(c->p));
        if (!isfinite(v)) return k < ly->ic ? -1 : -2;
        if (k < ly->ic) W[k * ly->ldw] = v;
        else B[k - ly->ic] = v;
    }
    return 0;
}

/* The C of the layer, float or int8 (gamma then its int8 weight times
 * the row's scale), as bn_forward and bn_q8 compute it. */
static void bn_export_as(Buf *b, const Layer *ly, const char *id, int q8)
{
    char t[1024], e[40], g[80];
    if (q8) snprintf(g, sizeof g, "(float)nn_w%s[c] * nn_s%s[c]", id, id);
    else snprintf(g, sizeof g, "nn_w%s[c]", id);
    snprintf(t, sizeof t,
             "    for (int i = 0; i < %zu; i++) /* batch normalisation: each channel's running mean and variance, then its scale and shift */\n"
             "        for (int c = 0; c < %zu; c++)\n"
             "            z[i * %zu + c] = (a[i * %zu + c] - nn_st%s[c]) * (%s / sqrtf(nn_st%s[%zu + c] + 1.0f + %s)) + nn_b%s[c];\n",
             ly->oh * ly->ow, ly->ic, ly->ic, ly->ic, id, g, id, ly->ic, c_float(ly->eps, e, sizeof e), id);
    buf_put(b, t, strlen(t));
}
static void bn_export(Buf *b, const Layer *ly, const char *id) { bn_export_as(b, ly, id, 0); }
static void bn_export_q8(Buf *b, const Layer *ly, const char *id) { bn_export_as(b, ly, id, 1); }


/* BatchNormalization over the channels (NCHW for maps, (N, C) else). */
static void bn_onnx(Onnx *g, const Layer *ly, const float *W, const float *B, const float *S, const char *id)
{
    char nm[4][40], out[32];
    float *v = alloc_floats2(4, ly->ic);
    int64_t dim = (int64_t)ly->ic;
    OnnxAttr at[2] = {{"epsilon", 1, 0, {0}, 0}, {"momentum", 1, 0, {0}, 0}};
    const char *in[5];
    if (!v) {
        g->nodes.oom = 1;
        return;
    }
    at[0].f = ly->eps, at[1].f = 1 - ly->mom; /* (ONNX's momentum weighs the old running value) */
    onnx_layout(g, ly, ly->ih * ly->iw > 1);
    for (size_t c = 0; c < ly->ic; c++)
        v[c] = W[c * ly->ldw], v[ly->ic + c] = B[c], v[2 * ly->ic + c] = S[c], v[3 * ly->ic + c] = S[ly->ic + c] + 1.0f;
    in[0] = g->cur;
    for (int k = 0; k < 4; k++) {
        static const char *const what[4] = {"G", "B", "M", "V"};
        snprintf(nm[k], sizeof nm[k], "BN%s%s", what[k], id);
        onnx_init(g, nm[k], &dim, 1, v + (size_t)k * ly->ic, NULL);
        in[k + 1] = nm[k];
    }
    onnx_node(g, "BatchNormalization", in, 5, onnx_name(g, out, sizeof out), at, 2);
    free(v);
}

/* int8: gamma is its int8 weight times the row's scale; the rest in
 * float.  One row, as bn_export_q8's C computes it. */
static void bn_q8(const Layer *ly, const int8_t *Q, const float *Qs, const float *B, const float *S, const float *a, int8_t *qa,
                  float *z)
{
    size_t P = ly->oh * ly->ow, C = ly->ic;
    (void)qa;
    for (size_t i = 0; i < P; i++)
        for (size_t c = 0; c < C; c++)
            z[i * C + c] = (a[i * C + c] - S[c]) * ((float)Q[c] * Qs[c] / sqrtf(S[C + c] + 1.0f + ly->eps)) + B[c];
}


/* ======================================================================== */
/* @@kinds the table of layer kinds                                        */
/* ======================================================================== */

static const LayerKind layer_kinds[LAYER_COUNT] = {
    [LAYER_DENSE] = {
        .name = "dense", .noun = "dense layer", .act_hint = "",
        .notation = "100, 100relu: a dense layer of 100 units, optionally with its activation",
        .flags = KIND_PLAIN | KIND_SIZED | KIND_FLAT | KIND_OUTPUT | KIND_DROPOUT | KIND_DRAW,
        .parse = dense_parse, .print = dense_print, .shape = dense_shape, .count = wb_count, .macs = dense_macs,
        .init = wb_init, .forward = dense_forward, .backward = dense_backward, .update = dense_update,
        .rec_save = dense_rec_save, .rec_load = dense_rec_load, .save = wb_save, .load = wb_load,
        .export_c = dense_export, .export_onnx = dense_onnx, .q8 = dense_q8, .export_q8 = dense_export_q8,
    },
    [LAYER_CONV] = {
        .name = "convolution", .noun = "convolution", .act = ACT_RELU,
        .notation = "20c5, 32c3p1, 20c5tanh: 20 maps of 5x5 kernels (stride 1), p: zero padding, then an activation (relu)",
        .act_hint = "; a padding comes before it: 20c5p1tanh",
        .flags = KIND_BY_ROWS | KIND_IMAGE | KIND_DRAW | KIND_KERNEL | KIND_RELU,
        .looks = conv_looks, .parse = conv_parse, .print = conv_print, .shape = conv_shape, .count = wb_count,
        .macs = conv_macs, .init = wb_init, .forward = conv_forward, .backward = conv_backward, .update = conv_update,
        .rec_save = conv_rec_save, .rec_load = conv_rec_load, .save = wb_save, .load = wb_load,
        .export_c = conv_export, .export_onnx = conv_onnx, .q8 = conv_q8, .export_q8 = conv_export_q8,
    },
    [LAYER_MAXPOOL] = {
        .name = "max-pooling", .noun = "pool", .act_hint = "",
        .notation = "mp2: max pooling over 2x2 windows, stride 2",
        .flags = KIND_BY_ROWS | KIND_NO_ACT | KIND_IMAGE,
        .looks = maxpool_looks, .parse = maxpool_parse, .print = pool_print, .shape = pool_shape, .count = wb_count,
        .macs = pool_macs, .init = pool_init, .forward = pool_forward, .backward = pool_backward, .update = pool_update,
        .rec_save = pool_rec_save, .rec_load = pool_rec_load, .save = wb_save, .load = wb_load,
        .export_c = pool_export, .export_onnx = pool_onnx, .q8 = pool_q8, .export_q8 = pool_export,
    },
    [LAYER_AVGPOOL] = {
        .name = "average-pooling", .noun = "pool", .act_hint = "",
        .notation = "ap2: average pooling over 2x2 windows, stride 2",
        .flags = KIND_BY_ROWS | KIND_NO_ACT | KIND_IMAGE,
        .looks = avgpool_looks, .parse = avgpool_parse, .print = pool_print, .shape = pool_shape, .count = wb_count,
        .macs = pool_macs, .init = pool_init, .forward = pool_forward, .backward = pool_backward, .update = pool_update,
        .rec_save = pool_rec_save, .rec_load = pool_rec_load, .save = wb_save, .load = wb_load,
        .export_c = pool_export, .export_onnx = pool_onnx, .q8 = pool_q8, .export_q8 = pool_export,
    },
    [LAYER_PLE] = {
        .name = "piecewise-linear encoding", .noun = "piecewise-linear encoding", .act_hint = "",
        .notation = "ple8: each input as 8 values, one per bin between its training quantiles (for tables, after the input); "
                    "ple8v: its value, then the 8 bins",
        .flags = KIND_NO_ACT | KIND_FLAT,
        .looks = ple_looks, .parse = ple_parse, .print = ple_print, .shape = ple_shape, .count = ple_count,
        .macs = ple_macs, .init = ple_init, .forward = ple_forward, .backward = ple_backward, .update = pool_update,
        .rec_save = ple_rec_save, .rec_load = ple_rec_load, .save = wb_save, .load = wb_load,
        .export_c = ple_export, .export_onnx = ple_onnx, .q8 = ple_q8, .export_q8 = ple_export, .fit = ple_fit,
    },
    [LAYER_BN] = {
        .name = "batch normalisation", .noun = "batch normalisation", .act_hint = "",
        .notation = "bn, bnrelu: batch normalisation of the layer before's sums, per channel (per unit after a dense layer), "
                    "then that layer's activation (or the one named)",
        .flags = KIND_BY_ROWS | KIND_SUMS,
        .looks = bn_looks, .parse = bn_parse, .print = bn_print, .shape = bn_shape, .count = bn_count,
        .macs = bn_macs, .init = bn_init, .forward = bn_forward, .stats = bn_stats, .backward = bn_backward, .update = bn_update,
        .rec_save = bn_rec_save, .rec_load = bn_rec_load, .save = bn_save, .load = bn_load,
        .export_c = bn_export, .export_onnx = bn_onnx, .q8 = bn_q8, .export_q8 = bn_export_q8,
    },
};

/* The operations of layer l of n. */
#define LK(n, l) (&layer_kinds[(n)->layer[l].kind])

/* Layer l's activation after its forward pass, over rows [b0, b1) of A
 * (lda floats a row), units [j0, j1): none when its kind's forward applied
 * it (KIND_RELU). */
static void layer_activate(const Net *N, int l, float *A, size_t lda, size_t b0, size_t b1, size_t j0, size_t j1)
{
    int act = N->layer[l].act;
    if (act == ACT_RELU && (LK(N, l)->flags & KIND_RELU)) return;
    for (size_t b = b0; b < b1; b++) acts[act].f(A + b * lda + j0, j1 - j0);
}

/* The kind whose notation spec part p plainly is (see LayerKind.looks), or 0. */
static int spec_part_kind(const char *p)
{
    for (int k = 1; k < LAYER_COUNT; k++)
        if (layer_kinds[k].looks && layer_kinds[k].looks(p)) return k;
    return 0;
}

/* The kind of layer spec part sp: the kinds with a notation of their own
 * first, then the plain one.  The kind, with ly's fields set and *q after
 * its text; 0 when no kind's notation fits; -1 with a message. */
static int spec_part_parse(const SpecPart *sp, const char **q, Layer *ly, Err *err)
{
    for (int plain = 0; plain < 2; plain++)
        for (int k = 1; k < LAYER_COUNT; k++) {
            int r;
            if (!(layer_kinds[k].flags & KIND_PLAIN) != !plain) continue;
            if ((r = layer_kinds[k].parse(sp, q, ly, err))) return r < 0 ? -1 : k;
        }
    return 0;
}

/* The kind of a layer that names none: the plain one. */
static int plain_kind(void)
{
    int k = 1;
    while (k < LAYER_COUNT - 1 && !(layer_kinds[k].flags & KIND_PLAIN)) k++;
    return k;
}

/* ======================================================================== */
/* @@tasks tasks: classification and regression                            */
/* ======================================================================== */

/* Output k of a regression network, v, in the data's units (the network
 * learns standardised targets). */
static double target_unmap(const TargetMap *tm, size_t k, float v) { return (double)v * tm->sd[k] + tm->mean[k]; }

/* How a network does on a data set, as its task measures it. */
typedef struct {
    double metric;  /* the task's figure, higher is better (classification: accuracy; regression: R^2) */
    double cost;    /* the mean cost per row */
    size_t correct; /* classification: the rows labelled right */
    double rmse;    /* regression: the root mean squared error in the data's units (the mean over the targets) */
} Score;

/* What a network is trained to do: the output error training
 * backpropagates, the label a row's outputs decide, and the score that
 * evaluation, validation (the epoch to keep), early stopping, the log and
 * the chart all report.  A new kind of target (regression) is a new row. */
typedef struct {
    const char *name;
    const char *metric; /* what Score.metric is called, in the log and the chart */
    const char *kept;   /* what choosing the epoch to keep compares (validation accuracy or loss) */
    const char *label;  /* the metric as people write it */
    int percent;        /* the metric is a fraction, shown as a percentage */
    void (*error)(const Net *N, const Data *d, const float *a, size_t m, size_t ld, size_t k0, size_t k1,
                  const size_t *rows, float *dz, double *ct);
    int32_t (*decide)(const float *a, size_t K);
    void (*score)(const Net *N, const Data *d, const float *out, const int32_t *pred, Score *s);
    int (*better)(const Score *a, const Score *b);
    void (*show)(const Score *s, size_t n, int counts, char *buf, size_t len);
} Task;

/* The output error dC/dz of output units k0 <= k < k1 of rows rows[0..m)
 * (rows NULL: 0..m) of d, whose outputs are a (m, ld), into dz (m, ld);
 * the cost of each (row, unit) into ct (m, ld) unless ct is NULL.  One-hot
 * targets from the labels (a single output unit is P(label 1)).  Softmax
 * with log-likelihood and sigmoid with cross-entropy both give a - y; the
 * quadratic cost gives (a - y) f'(z).  This is the textbook's first
 * backpropagation equation, BP1: delta^L = grad_a C (.) sigma'(z^L)
 * (Nielsen, chapter 2). */
static void class_error(const Net *N, const Data *d, const float *a, size_t m, size_t ld, size_t k0, size_t k1,
                        const size_t *rows, float *dz, double *ct)
{
    int L = N->nl - 1;
    for (size_t b = 0; b < m; b++) {
        int32_t lab = d->y[rows ? rows[b] : b];
        float w = d->cw ? d->cw[lab] : 1.0f; /* --class-weight */
        for (size_t k = k0; k < k1; k++) {
            int hit = N->size[L] == 1 ? lab == 1 : (int32_t)k == lab;
            float av = a[b * ld + k], t = hit ? 1.0f : 0.0f, e = NN_FAULT == 2 ? t - av : av - t;
            double c;
            if (N->cost == COST_LOGLIK) {
                dz[b * ld + k] = e;
                c = hit ? -log(av > 1e-300 ? (double)av : 1e-300) : 0.0;
            } else if (N->cost == COST_CROSS_ENTROPY) {
                double p = t > 0 ? av : 1.0 - av;
                dz[b * ld + k] = e;
                c = p > 0 ? -log(p) : 745.0; /* -log(DBL_TRUE_MIN): nan_to_num's bound */
            } else {
                float g;
                act_grad(&av, &g, 1, N->layer[L].act);
                dz[b * ld + k] = e * g;
                c = 0.5 * (double)e * e;
            }
            if (d->cw) dz[b * ld + k] *= w, c *= w;
            if (ct) ct[b * ld + k] = c;
        }
    }
}

/* The label of a row whose outputs are a[0..K): the largest output, or for
 * a single sigmoid output (binary), 1 when it is above 0.5. */
static int32_t class_decide(const float *a, size_t K)
{
    size_t best = 0;
    for (size_t k = 1; k < K; k++)
        if (a[k] > a[best]) best = k;
    return K == 1 ? a[0] > 0.5f : (int32_t)best;
}

static void class_score(const Net *N, const Data *d, const float *out, const int32_t *pred, Score *s)
{
    size_t K = N->size[N->nl - 1], ok = 0;
    double c = 0, *ct = malloc(K * sizeof *ct);
    float *dz = malloc(K * sizeof *dz);
    for (size_t i = 0; i < d->n; i++) ok += pred[i] == d->y[i];
    if (ct && dz)
        for (size_t i = 0; i < d->n; i++) {
            class_error(N, d, out + i * K, 1, K, 0, K, &i, dz, ct);
            for (size_t k = 0; k < K; k++) c += ct[k];
        }
    free(ct), free(dz);
    s->correct = ok, s->metric = (double)ok / (double)d->n, s->cost = c / (double)d->n;
}

/* More right, or as many at a lower cost. */
static int class_better(const Score *a, const Score *b)
{
    return a->metric > b->metric || (a->metric == b->metric && a->cost < b->cost);
}

static void class_show(const Score *s, size_t n, int counts, char *buf, size_t len)
{
    if (counts) snprintf(buf, len, "%zu/%zu (%.2f%%)", s->correct, n, 100.0 * s->metric);
    else snprintf(buf, len, "%.2f%%", 100.0 * s->metric);
}

/* Regression: output k learns target k standardised by the model's
 * TargetMap (d->tm), with the quadratic cost; dC/dz = (a - t') f'(z). */
static void reg_error(const Net *N, const Data *d, const float *a, size_t m, size_t ld, size_t k0, size_t k1,
                      const size_t *rows, float *dz, double *ct)
{
    int L = N->nl - 1;
    const TargetMap *tm = d->tm;
    for (size_t b = 0; b < m; b++) {
        const float *t = d->t + (rows ? rows[b] : b) * d->nt;
        for (size_t k = k0; k < k1; k++) {
            float av = a[b * ld + k], z = (t[k] - tm->mean[k]) / tm->sd[k], e = NN_FAULT == 2 ? z - av : av - z, g;
            act_grad(&av, &g, 1, N->layer[L].act);
            dz[b * ld + k] = e * g;
            if (ct) ct[b * ld + k] = 0.5 * (double)e * e;
        }
    }
}

static int32_t reg_decide(const float *a, size_t K) { return (void)a, (void)K, 0; }

/* The regression figures of outputs out (n, nt) against d's targets, in
 * the data's units: per target the mean squared and absolute errors and
 * R^2 (each array nt long, NULL to skip). */
static void reg_metrics(const Data *d, const float *out, double *mse, double *mae, double *r2)
{
    const TargetMap *tm = d->tm;
    for (size_t k = 0; k < d->nt; k++) {
        double mean = 0, sse = 0, sae = 0, sst = 0;
        for (size_t i = 0; i < d->n; i++) mean += d->t[i * d->nt + k];
        mean /= (double)d->n;
        for (size_t i = 0; i < d->n; i++) {
            double y = d->t[i * d->nt + k], p = target_unmap(tm, k, out[i * d->nt + k]);
            sse += (p - y) * (p - y), sae += fabs(p - y), sst += (y - mean) * (y - mean);
        }
        if (mse) mse[k] = sse / (double)d->n;
        if (mae) mae[k] = sae / (double)d->n;
        if (r2) r2[k] = sst > 0 ? 1 - sse / sst : sse > 0 ? 0 : 1; /* constant truth: 1 if exact, else 0 (as scikit-learn) */
    }
}

static void reg_score(const Net *N, const Data *d, const float *out, const int32_t *pred, Score *s)
{
    size_t K = d->nt;
    double c = 0, r2sum = 0, *r2 = malloc(2 * K * sizeof *r2), *mse = r2 ? r2 + K : NULL, *ct = malloc(K * sizeof *ct);
    float *dz = malloc(K * sizeof *dz);
    (void)pred;
    memset(s, 0, sizeof *s);
    if (!r2 || !ct || !dz) {
        free(r2), free(ct), free(dz);
        s->metric = -HUGE_VAL, s->cost = HUGE_VAL;
        return;
    }
    for (size_t i = 0; i < d->n; i++) {
        reg_error(N, d, out + i * K, 1, K, 0, K, &i, dz, ct);
        for (size_t k = 0; k < K; k++) c += ct[k];
    }
    reg_metrics(d, out, mse, NULL, r2);
    for (size_t k = 0; k < K; k++) r2sum += r2[k], s->rmse += sqrt(mse[k]) / (double)K;
    s->metric = r2sum / (double)K, s->cost = c / (double)d->n;
    free(r2), free(ct), free(dz);
}

/* A lower loss. */
static int reg_better(const Score *a, const Score *b) { return a->cost < b->cost; }

static void reg_show(const Score *s, size_t n, int counts, char *buf, size_t len)
{
    (void)n, (void)counts;
    snprintf(buf, len, "R^2 %.4f, RMSE %.4g", s->metric, s->rmse);
}

enum { TASK_CLASSIFY = 1, TASK_REGRESS, TASK_COUNT };

static const Task tasks[TASK_COUNT] = {
    [TASK_CLASSIFY] = {"classification", "accuracy", "accuracy", "accuracy", 1, class_error, class_decide, class_score, class_better, class_show},
    [TASK_REGRESS] = {"regression", "r2", "loss", "R^2", 0, reg_error, reg_decide, reg_score, reg_better, reg_show},
};

#define TASK(n) (&tasks[(n)->task])

/* The probability a classifier's outputs out (K of them) give class c:
 * softmax outputs are probabilities; a single output is P(class 1); other
 * outputs (the textbook's sigmoids) are scaled to sum 1. */
static double class_prob(const Net *N, const float *out, size_t c)
{
    size_t K = N->size[N->nl - 1];
    double sum = 0;
    if (K == 1) return c ? (double)out[0] : 1.0 - (double)out[0];
    if (N->layer[N->nl - 1].act == ACT_SOFTMAX) return out[c];
    for (size_t k = 0; k < K; k++) sum += out[k] > 0 ? (double)out[k] : 0;
    return sum > 0 ? (out[c] > 0 ? (double)out[c] : 0) / sum : 1.0 / (double)K;
}

typedef struct {
    float s;
    int pos;
} Ranked;

static int ranked_cmp(const void *a, const void *b)
{
    float x = ((const Ranked *)a)->s, y = ((const Ranked *)b)->s;
    return (x > y) - (x < y);
}

/* The area under the ROC curve of class c against the rest, from the
 * probabilities P (n rows of C) of d's rows: the chance that a row of class
 * c scores above one of another class, ties counting half (Mann-Whitney).
 * R (n) is scratch.  NAN when one side has no rows. */
static double auc_ovr(const Data *d, const float *P, size_t C, size_t c, Ranked *R)
{
    size_t npos = 0;
    double ranks = 0;
    for (size_t r = 0; r < d->n; r++) npos += d->y[r] == (int32_t)c;
    if (!npos || npos == d->n) return NAN;
    for (size_t r = 0; r < d->n; r++) R[r].s = P[r * C + c], R[r].pos = d->y[r] == (int32_t)c;
    qsort(R, d->n, sizeof *R, ranked_cmp);
    for (size_t i = 0; i < d->n;) { /* a run of ties shares the mean of its ranks */
        size_t j = i, p = 0;
        while (j < d->n && R[j].s == R[i].s) p += (size_t)R[j++].pos;
        ranks += (double)p * ((double)(i + 1) + (double)j) / 2;
        i = j;
    }
    return (ranks - (double)npos * (double)(npos + 1) / 2) / ((double)npos * (double)(d->n - npos));
}

/* What a classifier's probabilities say beyond its accuracy. */
typedef struct {
    double logloss; /* the mean of -ln p(true class), p clipped at 1e-15 */
    double brier;   /* the mean of (p1 - y)^2 for two classes, else of sum_k (p_k - y_k)^2 */
    double auc;     /* ROC AUC: two classes, of class 1; more, the mean over the classes of one-vs-rest (NAN: none) */
    double *cauc;   /* (C) each class's one-vs-rest AUC (NAN: absent, on every row, or more than
                     * NN_MAX_AUC classes or 2^28 probabilities), owned; NULL when out of memory */
} ProbFig;

#define NN_MAX_AUC 1000 /* classes of a model whose one-vs-rest AUCs are worked out (a sort each) */

static void prob_figures(const Net *N, const Data *d, const float *out, ProbFig *f)
{
    size_t K = N->size[N->nl - 1], C = K == 1 ? 2 : K, nauc = 0;
    Ranked *R = C <= NN_MAX_AUC && d->n <= ((size_t)1 << 28) / C ? malloc((d->n ? d->n : 1) * sizeof *R) : NULL;
    float *P = R ? malloc((d->n ? d->n : 1) * C * sizeof *P) : NULL; /* the probabilities */
    f->logloss = f->brier = 0, f->auc = NAN;
    f->cauc = malloc(C * sizeof *f->cauc);
    for (size_t r = 0; r < d->n; r++) {
        const float *a = out + r * K;
        double sum = 0, p;
        int soft = K == 1 || N->layer[N->nl - 1].act == ACT_SOFTMAX;
        if (!soft)
            for (size_t k = 0; k < K; k++) sum += a[k] > 0 ? (double)a[k] : 0;
        for (size_t k = 0; k < C; k++) {
            p = soft ? class_prob(N, a, k) : sum > 0 ? (a[k] > 0 ? (double)a[k] : 0) / sum : 1.0 / (double)K;
            if (P) P[r * C + k] = (float)p;
            if (C > 2 || k == 1) {
                double e = p - (d->y[r] == (int32_t)k);
                f->brier += e * e;
            }
            if ((int32_t)k == d->y[r]) f->logloss -= log(p > 1e-15 ? p : 1e-15);
        }
    }
    if (d->n) f->logloss /= (double)d->n, f->brier /= (double)d->n;
    if (f->cauc) {
        double sum = 0;
        for (size_t c = 0; c < C; c++) {
            f->cauc[c] = P ? auc_ovr(d, P, C, c, R) : NAN;
            if (!isnan(f->cauc[c])) sum += f->cauc[c], nauc++;
        }
        f->auc = C == 2 ? f->cauc[1] : nauc ? sum / (double)nauc : NAN;
    }
    free(R), free(P);
}

/* --threshold t of a two-class model: class 1 for the rows whose
 * probability of it is at least t (t < 0: the largest output decides, as
 * the model does). */
static void threshold_preds(const Net *N, const float *out, int32_t *pred, size_t n, double t)
{
    size_t K = N->size[N->nl - 1];
    if (t < 0) return;
    for (size_t r = 0; r < n; r++) pred[r] = class_prob(N, out + r * K, 1) >= t;
}

/* A value of N's metric as text: "accuracy 85.36%", "R^2 0.8658". */
static const char *metric_text(const Net *N, double v, char *buf, size_t n)
{
    if (TASK(N)->percent) snprintf(buf, n, "%s %.2f%%", TASK(N)->label, 100 * v);
    else snprintf(buf, n, "%s %.4f", TASK(N)->label, v);
    return buf;
}

/* ======================================================================== */
/* @@net networks: layout and the layer spec                               */
/* ======================================================================== */

/* Which activation and cost combinations train correctly: each layer takes
 * an activation allowed where it is (acts[].where); cross-entropy needs a
 * sigmoid output, log-likelihood a softmax one, and softmax goes with
 * log-likelihood only.  Returns NULL, or a complaint (in buf, n bytes). */
static const char *net_check(const Net *N, char *buf, size_t n)
{
    int nl = N->nl, cost = N->cost, out = N->layer[nl - 1].act;
    char list[128];
    for (int l = 1; l < nl - 1; l++)
        if (LK(N, l)->flags & KIND_NO_ACT) {
            if (N->layer[l].act != ACT_LINEAR) {
                snprintf(buf, n, "a %s takes no activation", LK(N, l)->noun);
                return buf;
            }
        } else if (!(acts[N->layer[l].act].where & ACT_HIDDEN) &&
                   !(N->layer[l].act == ACT_LINEAR && ((LK(N, l + 1)->flags | LK(N, l)->flags) & KIND_SUMS))) { /* (sums normalised
                                                                                                              * next, or a normalisation) */
            snprintf(buf, n, "%s is for the output layer only; hidden layers take %s", acts[N->layer[l].act].name,
                     act_list(ACT_HIDDEN, list, sizeof list));
            return buf;
        }
    if (!(acts[out].where & ACT_OUTPUT)) {
        snprintf(buf, n, "%s is for hidden layers; the output takes %s", acts[out].name,
                 act_list(ACT_OUTPUT, list, sizeof list));
        return buf;
    }
    if (cost == COST_CROSS_ENTROPY && out != ACT_SIGMOID) return "the cross-entropy cost needs a sigmoid output layer";
    if (cost == COST_LOGLIK && out != ACT_SOFTMAX) return "the log-likelihood cost needs a softmax output layer";
    if (out == ACT_SOFTMAX && cost != COST_LOGLIK) return "a softmax output layer goes with the log-likelihood cost";
    return NULL;
}

/* Compute the padded layout of a network whose sizes are set; checks the
 * caps.  Returns 0 or -1 with a message. */
static int net_layout_at(Net *n, int *at, Err *err)
{
    size_t off = 0, real = 0, *s0 = n->shape[0];
    int flat = 0; /* a dense layer came before: no image shape any more */
    char why[200];
    *at = 0;
    if (n->nl < 2 || n->nl > NN_MAX_LAYERS)
        return fail(err, NULL, "a network needs 2 to %d layer sizes, not %d", NN_MAX_LAYERS, n->nl);
    if (n->size[0] < 1 || n->size[0] > NN_MAX_WIDTH)
        return fail(err, NULL, "layer 1 has %zu neurons; allowed is 1 to %d", n->size[0], NN_MAX_WIDTH);
    if (!s0[0]) s0[0] = n->size[0], s0[1] = s0[2] = 1;
    if (s0[0] > NN_MAX_WIDTH || s0[1] > NN_MAX_WIDTH || s0[2] > NN_MAX_WIDTH || s0[0] * s0[1] * s0[2] != n->size[0])
        return fail(err, NULL, "the input shape %zux%zux%zu is not %zu inputs", s0[0], s0[1], s0[2], n->size[0]);
    n->ld[0] = round_up(n->size[0], NN_PAD);
    if (!n->task) n->task = TASK_CLASSIFY;
    for (int l = 1; l < n->nl; l++) { /* sizes are <= 2^16, so these products cannot overflow */
        Layer *ly = &n->layer[l];
        *at = l; /* (messages below are about this layer) */
        const LayerKind *K;
        if (!ly->kind) ly->kind = plain_kind();
        K = &layer_kinds[ly->kind];
        ly->ic = n->shape[l - 1][0], ly->ih = n->shape[l - 1][1], ly->iw = n->shape[l - 1][2];
        ly->nin = n->size[l - 1], ly->ldin = n->ld[l - 1], ly->nout = n->size[l];
        if (K->flags & KIND_FLAT) flat = 1;
        else if (flat && (K->flags & KIND_IMAGE))
            return fail(err, NULL, "a %s layer cannot follow a dense layer (dense layers come last)", K->name);
        if ((K->flags & KIND_SIZED) && (ly->nout < 1 || ly->nout > NN_MAX_WIDTH))
            return fail(err, NULL, "%zu neurons; allowed is 1 to %d", ly->nout, NN_MAX_WIDTH);
        ly->ldout = round_up(ly->nout, NN_PAD);
        ly->ns = 0; /* (a kind with untrained state says how much in shape) */
        if (K->shape(ly, why, sizeof why)) return fail(err, NULL, "%s", why);
        if (ly->nout < 1 || ly->nout > NN_MAX_WIDTH)
            return fail(err, NULL, "%zux%zux%zu = %zu outputs; allowed is 1 to %d", ly->oc, ly->oh, ly->ow, ly->nout,
                        NN_MAX_WIDTH);
        if (n->size[l] && n->size[l] != ly->nout)
            return fail(err, NULL, "%zu outputs, but its shape makes %zu", n->size[l], ly->nout);
        n->size[l] = ly->nout, n->ld[l] = ly->ldout = round_up(ly->nout, NN_PAD);
        n->shape[l][0] = ly->oc, n->shape[l][1] = ly->oh, n->shape[l][2] = ly->ow;
        real += K->count(ly);
        if (real > NN_MAX_PARAMS) {
            *at = 0;
            return fail(err, NULL, "the network has more than %d weights and biases (the limit)", NN_MAX_PARAMS);
        }
        ly->woff = off, off += ly->nw;
        ly->boff = off, off += ly->nb;
        ly->soff = off, off += round_up(ly->ns, NN_PAD);
    }
    n->nparam = off;
    return 0;
}

/* net_layout_at, its messages naming the layer. */
static int net_layout(Net *n, Err *err)
{
    int at;
    char m[sizeof err->msg];
    if (!net_layout_at(n, &at, err)) return 0;
    if (at) snprintf(m, sizeof m, "%s", err->msg), snprintf(err->msg, sizeof err->msg, "layer %d: %.400s", at + 1, m);
    return -1;
}

/* The floats of one row's scratch for the widest need of N's layers. */
static size_t net_tmp(const Net *N)
{
    size_t t = 0;
    for (int l = 1; l < N->nl; l++)
        if (N->layer[l].tmp > t) t = N->layer[l].tmp;
    return t;
}

/* Number of real (unpadded) weights and biases. */
static size_t net_count(const Net *n)
{
    size_t t = 0;
    for (int l = 1; l < n->nl; l++) t += LK(n, l)->count(&n->layer[l]);
    return t;
}

/* Classes a network tells apart: one per output neuron, or two for a
 * single output neuron (a binary classifier whose output is P(label 1)). */
static size_t net_classes(const Net *n) { return n->size[n->nl - 1] == 1 ? 2 : n->size[n->nl - 1]; }

/* Does N take images (an input shape, convolutions or pools)? */
static int net_images(const Net *N)
{
    return N->shape[0][1] > 1 || N->shape[0][2] > 1 || (LK(N, 1)->flags & KIND_IMAGE);
}

/* Images of one shape given to a network of images of another (the same
 * number of values, read in the wrong layout): why, in buf, or NULL.  Only
 * when the data's file says its shape (IDX). */
static const char *shape_clash(const Net *N, const size_t *shape, char *buf, size_t n)
{
    if (!shape[0] || !net_images(N) || !memcmp(shape, N->shape[0], 3 * sizeof *shape)) return NULL;
    snprintf(buf, n, "the images are %zux%zux%zu, but the network takes %zux%zux%zu ones", shape[0], shape[1], shape[2],
             N->shape[0][0], N->shape[0][1], N->shape[0][2]);
    return buf;
}

/* Parse a layer spec into n and lay it out.  Parts, '-'-separated, in
 * the notation of the convolutional-network literature (Ciresan et al.,
 * 2012), any case:
 *   784 or 1x28x28    the input: a size, or an image's channels x height x
 *                     width (needed before convolutions and pools; a
 *                     spec may start with a layer when `inshape`, the
 *                     data's image shape, is given)
 *   100, 100relu      a dense layer: neurons, optionally an activation
 *   20c5, 32c3p1tanh  a convolution: maps, kernel size, optionally p and a
 *                     padding, and an activation (default relu)
 *   mp2, ap2          max or average pooling, 2x2 windows, stride 2
 * Unnamed dense layers get sigmoid, or stay 0 when keep_unset (for
 * --hidden and --output). */
static int parse_layers_shape(const char *spec, const size_t *inshape, Net *n, int keep_unset, Err *err)
{
    const char *p = spec;
    int k = 0, image = 0, at, implicit = 0; /* implicit: the input shape is the data's */
    unsigned char named[NN_MAX_LAYERS] = {0}; /* the spec names layer k's activation */
    memset(n, 0, sizeof *n);
    if (!spec || !*spec) return fail(err, NULL, "empty layer spec; expected sizes like 784-30-10");
    if ((!inshape || !inshape[0]) && (layer_kinds[spec_part_kind(spec)].flags & KIND_IMAGE))
        return fail(err, NULL, "layer spec '%s': the first part is the input: give its shape, channels x height x width, "
                    "like 1x28x28-%s", spec, spec);
    if (inshape && inshape[0] && !(*p >= '0' && *p <= '9' && strcspn(p, "-") == strspn(p, "0123456789"))) {
        const char *q = p; /* the first part is a layer (not an input size): the data's image shape is the input */
        while (*q >= '0' && *q <= '9') q++;
        if (*q == 'x' || *q == 'X') inshape = NULL; /* it is an input shape after all */
        else {
            n->shape[0][0] = inshape[0], n->shape[0][1] = inshape[1], n->shape[0][2] = inshape[2];
            n->size[0] = inshape[0] * inshape[1] * inshape[2], image = 1, k = 1, implicit = 1;
        }
    }
    for (;;) {
        const char *q = p;
        size_t v = 0;
        SpecPart sp = {spec, p, strcspn(p, "-"), k + 1 - implicit};
        Layer *ly = &n->layer[k < NN_MAX_LAYERS ? k : 0];
        const LayerKind *K = NULL;
        int kind = 0;
        if (k == NN_MAX_LAYERS) return fail(err, NULL, "layer spec '%s': more than %d layers", spec, NN_MAX_LAYERS);
        ly->act = 0;
        if (k > 0 && (kind = spec_part_parse(&sp, &q, ly, err)) < 0) return -1;
        if (kind) K = &layer_kinds[kind];
        else if (*p >= '0' && *p <= '9') q = scan_size(p, NN_MAX_WIDTH, &v); /* the input: a size or a shape */
        else if (*p == '-' || *p == 0)
            return fail(err, NULL, "layer spec '%s': empty size at part %d (expected sizes like 784-30-10)", spec, k + 1);
        else return fail(err, NULL, "layer spec '%s': part %d is not a positive whole number", spec, k + 1);
        if (k == 0 && (*q == 'x' || *q == 'X')) { /* an image input: CxHxW */
            size_t d[3] = {v, 0, 0};
            for (int t = 1; t < 3; t++) {
                if (*q != 'x' && *q != 'X') return spec_fail(err, &sp, "expected an input shape like 1x28x28 (channels x height x width)");
                q++;
                if (!(*q >= '0' && *q <= '9'))
                    return spec_fail(err, &sp, "expected an input shape like 1x28x28 (channels x height x width)");
                q = scan_size(q, NN_MAX_WIDTH, &d[t]);
            }
            if (*q != '-' && *q != 0) return spec_fail(err, &sp, "expected an input shape like 1x28x28 (channels x height x width)");
            if (!d[0] || !d[1] || !d[2]) return spec_fail(err, &sp, "a dimension is zero");
            if (d[0] > NN_MAX_WIDTH || d[1] > NN_MAX_WIDTH || d[2] > NN_MAX_WIDTH || d[0] * d[1] * d[2] > NN_MAX_WIDTH)
                return spec_fail(err, &sp, "more than the limit of %d inputs%s", NN_MAX_WIDTH,
                                 strchr(spec, '-') ? "" : " (layers are separated by '-': 784-30-10)");
            n->shape[0][0] = d[0], n->shape[0][1] = d[1], n->shape[0][2] = d[2], n->size[0] = d[0] * d[1] * d[2];
            image = 1, k = 1;
            if (*q == 0) break;
            p = q + 1;
            continue;
        }
        if (K && (K->flags & KIND_IMAGE) && !image)
            return spec_fail(err, &sp, "a %s needs an image input: start the spec with its shape, channels x height x width, "
                             "like 1x28x28-20c5-mp2-100-10", K->noun);
        if ((*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z')) { /* an activation name: 100relu */
            const char *e = q;
            char nm[16], list[128];
            size_t len;
            unsigned where = K && (K->flags & KIND_OUTPUT) ? ACT_HIDDEN | ACT_OUTPUT : ACT_HIDDEN;
            while ((*e >= 'a' && *e <= 'z') || (*e >= 'A' && *e <= 'Z')) e++;
            if (!K) return fail(err, NULL, "layer spec '%s': the input layer takes no activation", spec);
            if (K->flags & KIND_NO_ACT) return spec_fail(err, &sp, "a %s takes no activation", K->noun);
            len = (size_t)(e - q) < sizeof nm ? (size_t)(e - q) : sizeof nm - 1;
            for (size_t i = 0; i < len; i++) nm[i] = (char)(q[i] | 0x20);
            if (!(ly->act = (size_t)(e - q) < sizeof nm ? act_id(nm, len) : 0))
                return spec_fail(err, &sp, "unknown activation '%.*s' (%s%s)", (int)(e - q < 40 ? e - q : 40), q,
                                 act_list(where, list, sizeof list), K->act_hint);
            if (!(K->flags & KIND_OUTPUT) && !(acts[ly->act].where & ACT_HIDDEN))
                return spec_fail(err, &sp, "a %s takes %s, not %s", K->noun, act_list(ACT_HIDDEN, list, sizeof list),
                                 acts[ly->act].name);
            q = e, named[k] = 1;
        }
        if (*q != '-' && *q != 0) {
            if ((unsigned char)*q < 32 || (unsigned char)*q > 126) /* (never half a UTF-8 character on a terminal) */
                return fail(err, NULL, "layer spec '%s': unexpected byte 0x%02X in part %d", spec, (unsigned char)*q, k + 1);
            if (*q == ' ' || *q == ',' || *q == ';' || *q == '_' || *q == '/') { /* "784 30 10": the separator is '-' */
                char sug[128];
                size_t i = 0;
                for (const char *c = spec; *c && i + 1 < sizeof sug; c++)
                    if (*c != ' ' || (i && sug[i - 1] != '-')) sug[i++] = (*c == ' ' || *c == ',' || *c == ';' || *c == '_' || *c == '/') ? '-' : *c;
                sug[i] = 0;
                return fail(err, NULL, "layer spec '%s': unexpected '%c' in part %d (layers are separated by '-': %s)", spec, *q,
                            k + 1, sug);
            }
            return fail(err, NULL, "layer spec '%s': unexpected '%c' in part %d", spec, *q, k + 1);
        }
        if (!K || (K->flags & KIND_SIZED)) { /* the input's size, or a layer's outputs */
            if (K) v = ly->nout;
            if (v == 0) return fail(err, NULL, "layer spec '%s': part %d is zero; every layer needs at least 1 neuron", spec, k + 1);
            if (v > NN_MAX_WIDTH)
                return fail(err, NULL, "layer spec '%s': part %d is larger than the limit of %d neurons", spec, k + 1, NN_MAX_WIDTH);
            n->size[k] = v;
        }
        if (K && !ly->act && !keep_unset) ly->act = K->act; /* (train: --hidden, else the kind's) */
        ly->kind = kind ? kind : plain_kind();
        k++;
        if (*q == 0) break;
        p = q + 1;
    }
    if (k < 2) return fail(err, NULL, "layer spec '%s': need at least an input and an output size, like 784-30-10", spec);
    n->nl = k;
    if (!(layer_kinds[n->layer[k - 1].kind].flags & KIND_OUTPUT))
        return fail(err, NULL, "layer spec '%s': the last part must be the output layer, a number of neurons (like 10)", spec);
    for (int l = 1; l < k; l++) /* 32c3p1-bn: the sums normalised, then the activation */
        if (layer_kinds[n->layer[l].kind].flags & KIND_SUMS) {
            if (l == 1 || (layer_kinds[n->layer[l - 1].kind].flags & KIND_NO_ACT)) { /* on the input, or after a pool: */
                if (!named[l]) n->layer[l].act = ACT_LINEAR;                        /* nothing to take over */
            } else if (!named[l - 1]) {
                if (!named[l]) n->layer[l].act = n->layer[l - 1].act;
                n->layer[l - 1].act = ACT_LINEAR;
            }
        }
    for (int l = 1; l < k; l++) /* 0: not named, filled in by --hidden/--output; a convolutional network's as train's */
        if (!n->layer[l].act && !keep_unset) n->layer[l].act = !image ? ACT_SIGMOID : l < k - 1 ? ACT_RELU : ACT_SOFTMAX;
    n->cost = n->layer[k - 1].act == ACT_SOFTMAX ? COST_LOGLIK : COST_QUADRATIC;
    if (net_layout_at(n, &at, err)) {
        const char *q = spec;
        char m[sizeof err->msg];
        int part = at + 1 - implicit;
        snprintf(m, sizeof m, "%s", err->msg);
        for (int t = 1; t < part && *q; t++) q += strcspn(q, "-") + (q[strcspn(q, "-")] != 0);
        if (!at) return fail(err, NULL, "layer spec '%s': %.400s", spec, m);
        return fail(err, NULL, "layer spec '%s': part %d ('%.*s'): %.400s", spec, part, (int)(strcspn(q, "-") < 40 ? strcspn(q, "-") : 40), q, m);
    }
    return 0;
}

static int parse_layers_opt(const char *spec, Net *n, int keep_unset, Err *err)
{
    return parse_layers_shape(spec, NULL, n, keep_unset, err);
}

/* Does a spec start with a layer rather than the input ("20c5-mp2-10")? */
static int spec_starts_with_layer(const char *spec) { return spec_part_kind(spec) != 0; }

/* Does a spec have layers that take images (convolutions, pools)? */
static int spec_has_images(const char *spec)
{
    for (const char *p = spec; p; p = strchr(p, '-') ? strchr(p, '-') + 1 : NULL)
        if (layer_kinds[spec_part_kind(p)].flags & KIND_IMAGE) return 1;
    return 0;
}

static int parse_layers(const char *spec, Net *n, Err *err) { return parse_layers_opt(spec, n, 0, err); }

/* Allocate the parameter block (zeroed). */
static int net_alloc(Net *n, Err *err)
{
    n->param = alloc_floats(n->nparam);
    if (!n->param) return fail(err, NULL, "out of memory for %zu parameters", n->nparam);
    return 0;
}

/* Initialise weights and biases (see dense_init); init 0 picks per layer
 * the default of its activation (He for relu and leaky, scaled otherwise). */
static void net_init(Net *n, int init, Rng *r)
{
    for (int l = 1; l < n->nl; l++)
        LK(n, l)->init(&n->layer[l], NET_W(n, l), NET_B(n, l), init ? init : acts[n->layer[l].act].init, r);
}

/* A layer in the spec's notation: "20c5", "32c3p1", "mp2", "ap2", "100". */
static const char *layer_text(const Layer *ly, char *buf, size_t n)
{
    layer_kinds[ly->kind].print(ly, buf, n);
    return buf;
}

/* ======================================================================== */
/* @@threads threads                                                       */
/* ======================================================================== */

/* A generation barrier: cheap enough for several crossings per mini-batch.
 * A waiter spins for a short while (the others are usually a microsecond
 * or two behind), then sleeps on a condition variable, so that on a busy
 * machine, where another thread may be off the CPU for a whole time slice,
 * it gives its core away instead of spinning or yielding in a loop (which
 * made two threads slower than one beside a busy process).  The last to
 * arrive advances the generation and wakes sleepers only when there are
 * some: sleepers is raised under the mutex before the generation is
 * checked, and both are sequentially consistent, so either the last
 * arriver sees the sleeper or the sleeper sees the new generation. */
#ifndef NN_SPIN
#define NN_SPIN 50 /* microseconds of spinning before sleeping */
#endif

typedef struct {
    atomic_uint count, gen, sleepers;
    unsigned n;
    pthread_mutex_t mu;
    pthread_cond_t cv;
} Barrier;

static void barrier_init(Barrier *b, unsigned n)
{
    atomic_init(&b->count, 0);
    atomic_init(&b->gen, 0);
    atomic_init(&b->sleepers, 0);
    b->n = n;
    pthread_mutex_init(&b->mu, NULL);
    pthread_cond_init(&b->cv, NULL);
}

static void barrier_destroy(Barrier *b)
{
    pthread_mutex_destroy(&b->mu);
    pthread_cond_destroy(&b->cv);
}

static void barrier_wait(Barrier *b)
{
    unsigned gen;
    if (b->n <= 1) return;
    gen = atomic_load(&b->gen);
    if (atomic_fetch_add_explicit(&b->count, 1, memory_order_acq_rel) + 1 == b->n) {
        atomic_store_explicit(&b->count, 0, memory_order_relaxed);
        atomic_store(&b->gen, gen + 1);
        if (atomic_load(&b->sleepers)) {
            pthread_mutex_lock(&b->mu);
            pthread_cond_broadcast(&b->cv);
            pthread_mutex_unlock(&b->mu);
        }
        return;
    }
    {
        double t0 = 0;
        for (unsigned spin = 1;; spin++) {
            if (atomic_load_explicit(&b->gen, memory_order_acquire) != gen) return;
            if (!(spin & 255)) {
                double t = now_seconds();
                if (!t0) t0 = t;
                else if (t - t0 > NN_SPIN * 1e-6) break;
            }
        }
    }
    pthread_mutex_lock(&b->mu);
    atomic_fetch_add(&b->sleepers, 1);
    while (atomic_load(&b->gen) == gen) pthread_cond_wait(&b->cv, &b->mu);
    atomic_fetch_sub(&b->sleepers, 1);
    pthread_mutex_unlock(&b->mu);
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
    atomic_ulong agen; /* gen, for a worker to watch while it spins */
    int quit;
    int solo;     /* run jobs on the caller alone (set by train_epoch on a
                   * busy machine; jobs run so must not use `bar`) */
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
        { /* a job often follows at once (the segments of an epoch): spin first */
            double t0 = now_seconds();
            for (unsigned spin = 1; atomic_load_explicit(&pl->agen, memory_order_acquire) == seen; spin++)
                if (!(spin & 255) && now_seconds() - t0 > NN_SPIN * 1e-6) break;
        }
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
    atomic_init(&pl->agen, 0);
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
    if (pl->solo) { /* the machine is busy (see train_epoch): the caller alone */
        fn(arg, 0, 1);
        return;
    }
    pthread_mutex_lock(&pl->mu);
    pl->fn = fn, pl->arg = arg, pl->gen++;
    atomic_store_explicit(&pl->agen, pl->gen, memory_order_release);
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
    barrier_destroy(&pl->done), barrier_destroy(&pl->bar);
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
/* @@step training step                                                    */
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

/* --standardize: x = (x - mean) * rsd in place for rows b < m of X (m, ld),
 * rsd being 1 / the standard deviation (nothing when mean is NULL). */
static void standardize(float *X, size_t m, size_t ld, size_t d, const float *mean, const float *rsd)
{
    if (!mean) return;
    for (size_t b = 0; b < m; b++)
        for (size_t i = 0; i < d; i++) X[b * ld + i] = (X[b * ld + i] - mean[i]) * rsd[i];
}

/* Rows rows[0..m) (NULL: 0..m) of d through the input map into X (m, ld). */
static void map_rows(const InputMap *in, const Data *d, const size_t *rows, size_t m, float *X, size_t ld)
{
    gather(d, rows, m, 1.0f / in->div, X, ld);
    standardize(X, m, ld, d->d, in->mean, in->rsd);
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
    float eta;           /* this epoch's learning rate */
    const InputMap *in;  /* the model's input map */
    int rep;             /* the output layer is replicated per thread */
    int optimizer;       /* OPT_* */
    float momentum, beta1, beta2, epsilon; /* momentum's; Adam's */
    float lambda_n;      /* lambda / n: the L2 term of the gradient is lambda_n * w */
    float dropout;       /* probability of dropping a hidden neuron */
    uint64_t key;        /* dropout's random key */
    uint64_t step0;      /* mini-batches done before this epoch */
    float *xb[NN_MAX_THREADS];                         /* (batch, ld[0]) inputs, per thread */
    float *out[NN_MAX_THREADS], *dout[NN_MAX_THREADS]; /* (batch, ld[L]) output, error (rep) */
    /* the output layer's replica per thread t > 0 (rep): W(L) then B(L),
     * laid out as in param from woff[L]; and its gradient and state */
    float *wl[NN_MAX_THREADS], *gl[NN_MAX_THREADS], *s1l[NN_MAX_THREADS], *s2l[NN_MAX_THREADS];
    float *act[2][NN_MAX_LAYERS], *dlt[2][NN_MAX_LAYERS]; /* (batch, ld[l]) shared */
    float *drp[2][NN_MAX_LAYERS]; /* (batch, ld[l]) activations after dropout */
    float *part[NN_MAX_LAYERS];   /* (groups, layer[l].part): a kind cut by rows: its gradient's partial sums */
    float *tmp[NN_MAX_THREADS];   /* a thread's scratch for one row of any layer */
    uint32_t augment;             /* Meta.augment: shifted (and mirrored) copies of the training images */
    size_t img[3];                /* their C x H x W */
    float *augb[NN_MAX_THREADS];  /* (ld[0]) a thread's copy of an image being shifted */
    double *cterm[2];  /* (batch, ld[L]) cost terms of a split output layer */
    float *grad;       /* gradient mode (tests): (nparam), sums written, no step */
    float *gbuf, *s1, *s2; /* (nparam) gradient and optimiser state (momentum, Adam) */
    Barrier *bar;
    double cost_sum;   /* summed by thread 0, in (row, neuron) order */
    size_t first;      /* the epoch's first mini-batch (not 0 after --resume) */
    volatile sig_atomic_t *stop_flag; /* set by the signal handler */
    atomic_size_t stop_at;            /* the mini-batch to stop before */
    size_t done_batches;              /* where the epoch job ended */
    int diverged;                     /* thread 0 saw a non-finite cost */
    int progress;                     /* 1: a live progress bar (stderr is a terminal); 2: a line every five seconds; 0: none */
    double t_epoch, t_drawn;          /* when the epoch started, the bar was drawn */
    size_t epoch, epochs;
    size_t from, upto;                /* train_epoch: the segment's mini-batches (upto 0: all from first) */
    double spb[2][3];                 /* train_epoch: seconds per mini-batch, all threads / thread 0 alone, last 3 */
    unsigned nseg;                    /* train_epoch: segments run */
    int alone;                        /* train_epoch: the way chosen last */
    double t_first;                   /* train_epoch: when the segment's first mini-batch ended */
    int stale;                        /* the output replicas lag the parameters (after thread 0 ran alone) */
} Trainer;

/* A live progress line on a terminal (T->progress 1): epoch, bar,
 * examples per second, time left in the epoch; redrawn at most five times
 * a second.  Elsewhere (2: a log, a pipe) a line of the same every
 * NN_PROGRESS_SECONDS of a long epoch, so that a slow run is seen going. */
static void progress_bar(Trainer *T, size_t nb)
{
    double now = now_seconds(), el = now - T->t_epoch;
    size_t nbat = (T->count + T->batch - 1) / T->batch, w = 30, fill = nbat ? nb * w / nbat : 0;
    char bar[32];
    if (T->progress == 2) {
        if (el < NN_PROGRESS_SECONDS || now - T->t_drawn < NN_PROGRESS_SECONDS || !nbat) return;
        T->t_drawn = now;
        fprintf(stderr, "epoch %zu/%zu: %.0f%% of its mini-batches, %.0f examples/s, %.0f s left\n", T->epoch, T->epochs,
                100.0 * (double)nb / (double)nbat, (double)(nb - T->first) * (double)T->batch / el,
                (double)(nbat - nb) * el / (double)(nb - T->first ? nb - T->first : 1));
        return;
    }
    if (now - T->t_drawn < 0.2 || el <= 0) return;
    T->t_drawn = now;
    for (size_t i = 0; i < w; i++) bar[i] = i < fill ? '#' : '.';
    bar[w] = 0;
    fprintf(stderr, "\repoch %zu/%zu [%s] %3.0f%% %.0f examples/s, %.1f s left ", T->epoch, T->epochs, bar,
            100.0 * (double)nb / (double)nbat, (double)(nb - T->first) * (double)T->batch / el,
            (double)(nbat - nb) * el / (double)(nb - T->first ? nb - T->first : 1));
    fflush(stderr);
}

/* Inverted dropout: the factor (0, or 1/(1-p)) for neuron j of row b of
 * mini-batch `step`.  A hash of its coordinates, not a stream, so every
 * thread draws the same mask whichever neurons it computes. */
static float dropout_scale(uint64_t key, uint64_t step, size_t b, size_t j, float p)
{
    uint64_t x = key + step * 0x9e3779b97f4a7c15ULL + (uint64_t)b * 0xd1b54a32d192ed03ULL + (uint64_t)j * 0x8cb92ba72f3d8dd7ULL;
    uint64_t cut = (uint64_t)((double)p * 0x1.0p64); /* p < 1, so no overflow */
    return splitmix64(&x) < cut ? 0.0f : 1.0f / (1.0f - p);
}

/* The optimiser's step for n weights w with summed gradients g over a
 * mini-batch of m (inv_m = 1/m) and state s1, s2; l2 is lambda/n for
 * weights and 0 for biases.  SGD itself is fused into k_update. */
static void opt_step(const Trainer *T, float *restrict w, const float *restrict g, float *restrict s1,
                     float *restrict s2, size_t n, float inv_m, float l2, uint64_t step)
{
    const float lr = T->eta, mu = T->momentum, b1 = T->beta1, b2 = T->beta2, eps = T->epsilon;
    if (T->optimizer == OPT_ADAM) {
        const float c1 = (float)(1.0 / (1.0 - pow(b1, (double)step))), c2 = (float)(1.0 / (1.0 - pow(b2, (double)step)));
        for (size_t i = 0; i < n; i++) {
            float gi = g[i] * inv_m + l2 * w[i];
            s1[i] = b1 * s1[i] + (1 - b1) * gi;
            s2[i] = b2 * s2[i] + (1 - b2) * gi * gi;
            w[i] -= lr * (s1[i] * c1) / (sqrtf(s2[i] * c2) + eps);
        }
    } else if (T->optimizer == OPT_NESTEROV) { /* as PyTorch: v = mu v + g; w -= lr (g + mu v) */
        for (size_t i = 0; i < n; i++) {
            float gi = g[i] * inv_m + l2 * w[i];
            s1[i] = mu * s1[i] + gi;
            w[i] -= lr * (gi + mu * s1[i]);
        }
    } else { /* momentum, as PyTorch: v = mu v + g; w -= lr v */
        for (size_t i = 0; i < n; i++) {
            float gi = g[i] * inv_m + l2 * w[i];
            s1[i] = mu * s1[i] + gi;
            w[i] -= lr * s1[i];
        }
    }
}

/* The parameters of layer l as seen by thread tid: the replica of the
 * output layer when it is replicated, else the shared arrays. */
typedef struct {
    float *W, *B, *G, *Gb, *S1, *S1b, *S2, *S2b;
} LayerView;

static LayerView layer_view(const Trainer *T, int tid, int l)
{
    const Net *N = T->net;
    LayerView v;
    size_t wo = N->layer[l].woff, bo = N->layer[l].boff;
    float *G = T->grad ? T->grad : T->gbuf;
    if (T->rep && l == N->nl - 1 && tid > 0) { /* the replica holds W(L), then B(L) at bo - wo */
        size_t rb = bo - wo;
        float *g = G ? T->gl[tid] : NULL, *s1 = T->s1l[tid], *s2 = T->s2l[tid];
        v.W = T->wl[tid], v.B = T->wl[tid] + rb;
        v.G = g, v.Gb = g ? g + rb : NULL;
        v.S1 = s1, v.S1b = s1 ? s1 + rb : NULL;
        v.S2 = s2, v.S2b = s2 ? s2 + rb : NULL;
        return v;
    }
    v.W = N->param + wo, v.B = N->param + bo;
    v.G = G ? G + wo : NULL, v.Gb = G ? G + bo : NULL;
    v.S1 = T->s1 ? T->s1 + wo : NULL, v.S1b = T->s1 ? T->s1 + bo : NULL;
    v.S2 = T->s2 ? T->s2 + wo : NULL, v.S2b = T->s2 ? T->s2 + bo : NULL;
    return v;
}

/* The step from the gradient G of weight rows j0..j1, columns i0..i1 of
 * layer ly (view V), and of biases j0..j1 when `bias`; none in gradient
 * mode (the tests'). */
static void layer_step(const Trainer *T, const Layer *ly, const LayerView *V, size_t m, size_t i0, size_t i1, size_t j0,
                       size_t j1, int bias, uint64_t step)
{
    size_t n = ly->ldw;
    if (T->grad || j0 >= j1) return;
    if (T->optimizer == OPT_SGD) { /* as k_update's fused step */
        float c = T->eta / (float)m, decay = 1.0f - T->eta * T->lambda_n;
        for (size_t j = j0; j < j1; j++)
            for (size_t i = i0; i < i1; i++) V->W[j * n + i] = decay * V->W[j * n + i] - c * V->G[j * n + i];
        if (bias)
            for (size_t j = j0; j < j1; j++) V->B[j] -= c * V->Gb[j];
        return;
    }
    for (size_t j = j0; j < j1; j++)
        opt_step(T, V->W + j * n + i0, V->G + j * n + i0, V->S1 + j * n + i0, V->S2 ? V->S2 + j * n + i0 : NULL,
                 i1 - i0, 1.0f / (float)m, T->lambda_n, step);
    if (bias) opt_step(T, V->B + j0, V->Gb + j0, V->S1b + j0, V->S2b ? V->S2b + j0 : NULL, j1 - j0, 1.0f / (float)m, 0, step);
}

/* The gradient of weight rows j0..j1, columns i0..i1 of layer ly (view V)
 * from its output deltas D (m, ldout) and inputs X (m, ldin) (a kind cut
 * by rows: from its groups' partial sums, part), with the biases when
 * `bias`, into G; then the step (fused into one pass for SGD on a dense
 * layer). */
static void layer_update(const Trainer *T, const Layer *ly, const LayerView *V, const float *D, size_t m,
                         const float *X, const float *part, size_t i0, size_t i1, size_t j0, size_t j1, int bias,
                         uint64_t step)
{
    const LayerKind *k = &layer_kinds[ly->kind];
    float c = T->eta / (float)m;
    if (j0 >= j1 || (!ly->nw && !ly->nb)) return; /* (a kind without weights: its views are its neighbours') */
    const float *S = T->net->param + ly->soff;
    if (T->optimizer == OPT_SGD && !T->grad && !(k->flags & KIND_BY_ROWS)) { /* SGD: one pass, L2 as weight decay */
        k->update(ly, S, D, m, X, part, i0, i1, j0, j1, c, 1.0f - T->eta * T->lambda_n, V->W, bias ? V->B : NULL, NULL,
                  NULL);
        return;
    }
    k->update(ly, S, D, m, X, part, i0, i1, j0, j1, c, 1.0f, V->W, NULL, V->G, bias ? V->Gb : NULL);
    layer_step(T, ly, V, m, i0, i1, j0, j1, bias, step);
}

/* Part of a layer's outputs (back = 0) or of its input's delta (back = 1)
 * that thread tid of nt computes for a mini-batch of m: rows split evenly
 * for a kind split by rows, else whole NN_PAD chunks of units (split_range;
 * j1 is then the padded end, which the kernels may compute, and real() the
 * real one). */
static Part layer_part(const Layer *ly, size_t m, int tid, int nt, int back)
{
    Part p = {0, m, 0, 0};
    if (layer_kinds[ly->kind].flags & KIND_BY_ROWS) { /* whole groups of NN_GROUP rows */
        size_t ng = (m + NN_GROUP - 1) / NN_GROUP;
        p.b0 = ng * (size_t)tid / (size_t)nt * NN_GROUP, p.b1 = ng * (size_t)(tid + 1) / (size_t)nt * NN_GROUP;
        if (p.b1 > m) p.b1 = m;
        if (p.b0 > m) p.b0 = m;
        p.j1 = back ? ly->nin : ly->nout;
    } else {
        split_range(back ? ly->ldin : ly->ldout, nt, tid, &p.j0, &p.j1);
    }
    return p;
}

/* --augment: each training image of rows[0..m), raw in X (m, ld), moved
 * by a random offset of up to T->augment pixels each way (the pixels
 * moved in are 0, the background) and, with AUG_FLIP, mirrored left to
 * right with probability 1/2.  The draw is a hash of the seed, the epoch
 * and the row, as dropout's masks are: every thread (each gathers the
 * whole mini-batch) draws the same, and a resumed run the same again. */
static void augment_rows(const Trainer *T, float *tmp, const size_t *rows, size_t m, float *X, size_t ld)
{
    size_t C = T->img[0], H = T->img[1], W = T->img[2], s = T->augment & 0xff, span = 2 * s + 1;
    for (size_t b = 0; b < m; b++) {
        uint64_t h = T->key ^ STREAM_AUGMENT ^ (T->epoch * 0x9e3779b97f4a7c15ULL) ^ ((uint64_t)rows[b] * 0xd1b54a32d192ed03ULL);
        uint64_t r = splitmix64(&h);
        long dx = (long)(r % span) - (long)s, dy = (long)((r >> 20) % span) - (long)s;
        int flip = (T->augment & AUG_FLIP) && ((r >> 40) & 1);
        float *x = X + b * ld;
        if (!dx && !dy && !flip) continue;
        memcpy(tmp, x, H * W * C * sizeof(float));
        for (size_t y = 0; y < H; y++)
            for (size_t c0 = 0; c0 < W; c0++) {
                long sy = (long)y - dy, sx = (long)(flip ? W - 1 - c0 : c0) - dx;
                float *o = x + (y * W + c0) * C;
                if (sy < 0 || sx < 0 || sy >= (long)H || sx >= (long)W) memset(o, 0, C * sizeof(float));
                else memcpy(o, tmp + ((size_t)sy * W + (size_t)sx) * C, C * sizeof(float));
            }
    }
}

/* Is there dropout after hidden layer l?  Only dense layers take it. */
static int drops(const Trainer *T, int l)
{
    return T->dropout > 0 && l >= 1 && l < T->net->nl - 1 && (LK(T->net, l)->flags & KIND_DROPOUT);
}

/* The weight columns [*i0, *i1) of a by-rows kind's layer whose gradient
 * thread tid of nt computes (over all rows; the biases go with chunk 0). */
static void weight_chunk(const Layer *ly, int nt, int tid, size_t *i0, size_t *i1)
{
    split_range(ly->ldw, nt, tid, i0, i1);
}

/* One mini-batch rows[0..m) on thread tid of nt: forward, backward and the
 * step for the weights this thread owns; `par` picks the buffer set and
 * `step` (1-based) numbers the mini-batch in the whole run.  Barriers: one
 * after each hidden layer's forward pass; one after each delta a lower
 * layer needs whole (a dense layer's delta of its input is split by units,
 * and the dense layer below reads only its own units of it, so from layer
 * 1 down a dense network needs none); and where a kind split by rows
 * reads what other threads write (a convolution's weights, read whole by
 * every thread's rows: their step waits for the barrier after the delta). */
static void train_step(Trainer *T, int tid, int nt, const size_t *rows, size_t m, int par, uint64_t step)
{
    Net *N = T->net;
    int L = N->nl - 1, rep = T->rep, dense1 = !(LK(N, 1)->flags & KIND_BY_ROWS);
    const float *in = T->xb[tid];
    size_t lo, hi, ldL = N->ld[L], nL = N->size[L];
    float p = T->dropout;
    LayerView VL = layer_view(T, tid, L);
    float *aL = rep ? T->out[tid] : T->act[par][L], *dL = rep ? T->dout[tid] : T->dlt[par][L];
    double *ct = T->cterm[par];

    gather(T->data, rows, m, 1.0f / T->in->div, T->xb[tid], N->ld[0]); /* as map_rows, with the augmentation between */
    if (T->augment) augment_rows(T, T->augb[tid], rows, m, T->xb[tid], N->ld[0]);
    standardize(T->xb[tid], m, N->ld[0], T->data->d, T->in->mean, T->in->rsd);
    for (int l = 1; l < L; l++) { /* hidden layers: own part */
        float *a = T->act[par][l];
        const Layer *ly = &N->layer[l];
        Part pt = layer_part(ly, m, tid, nt, 0);
        if (pt.j1 > ly->nout) pt.j1 = ly->nout;
        if (LK(N, l)->stats) { /* the mini-batch's statistics: each thread's groups, then all of them */
            if (pt.j0 < pt.j1 && pt.b0 < pt.b1) LK(N, l)->stats(ly, NET_S(N, l), in, NULL, m, &pt, T->part[l]);
            barrier_wait(T->bar);
        }
        if (pt.j0 < pt.j1 && pt.b0 < pt.b1) {
            LK(N, l)->forward(ly, NET_W(N, l), NET_B(N, l), NET_S(N, l), in, m, &pt, a, T->part[l], T->tmp[tid], 1);
            layer_activate(N, l, a, ly->ldout, pt.b0, pt.b1, pt.j0, pt.j1);
            if (drops(T, l)) {
                float *dr = T->drp[par][l];
                for (size_t b = pt.b0; b < pt.b1; b++)
                    for (size_t j = pt.j0; j < pt.j1; j++)
                        dr[b * N->ld[l] + j] = a[b * N->ld[l] + j] * dropout_scale(T->key, step, b, j, p);
            }
        }
        barrier_wait(T->bar);
        in = drops(T, l) ? T->drp[par][l] : a;
    }
    lo = 0, hi = nL; /* output layer (dense): all of it, or own neurons */
    if (!rep) {
        split_range(ldL, nt, tid, &lo, &hi);
        if (hi > nL) hi = nL;
    }
    if (lo < hi) {
        Part pt = {0, m, lo, hi};
        LK(N, L)->forward(&N->layer[L], VL.W, VL.B, NET_S(N, L), in, m, &pt, aL, NULL, T->tmp[tid], 1);
        activate(aL, m, ldL, lo, hi, N->layer[L].act);
        TASK(N)->error(N, T->data, aL, m, ldL, lo, hi, rows, dL, tid == 0 || !rep ? ct : NULL);
    }
    if (!rep) barrier_wait(T->bar); /* every output read W(L), and all of dL is known */
    if (tid == 0)
        for (size_t b = 0; b < m; b++)
            for (size_t k = 0; k < nL; k++) T->cost_sum += ct[b * ldL + k];
    for (int l = L - 1; l >= 0; l--) { /* deltas of layer l, step of layer l+1 */
        const float *dn = l + 1 == L ? dL : T->dlt[par][l + 1];
        const float *a = l ? T->act[par][l] : T->xb[tid];
        const float *x = drops(T, l) ? T->drp[par][l] : a; /* what layer l+1 saw */
        LayerView V = layer_view(T, tid, l + 1);
        const Layer *ly = &N->layer[l + 1];
        size_t ld = N->ld[l], nn = N->size[l + 1];
        int rows_kind = (layer_kinds[ly->kind].flags & KIND_BY_ROWS) != 0;
        Part pt;
        if (l == 0 && !rows_kind) { /* W(1) of a dense layer by rows: this thread's neurons of layer 1 */
            split_range(N->ld[1], nt, tid, &lo, &hi);
            if (hi > nn) hi = nn;
            if (rep && L == 1) lo = 0, hi = nn; /* a replicated single layer */
            layer_update(T, ly, &V, dn, m, x, NULL, 0, ld, lo, hi, 1, step);
            break;
        }
        pt = layer_part(ly, m, tid, nt, 1);
        if (l == 0 && !ly->nw) break; /* a pool on the input: nothing to learn, no delta wanted */
        if (layer_kinds[ly->kind].stats) {
            if (pt.j0 < pt.j1 && pt.b0 < pt.b1) layer_kinds[ly->kind].stats(ly, NET_S(N, l + 1), x, dn, m, &pt, T->part[l + 1]);
            barrier_wait(T->bar);
        }
        if (pt.j0 < pt.j1 && pt.b0 < pt.b1) {
            float *d = l ? T->dlt[par][l] : NULL; /* (no delta of the input) */
            size_t h = pt.j1 > N->size[l] ? N->size[l] : pt.j1;
            int dr = drops(T, l);
            layer_kinds[ly->kind].backward(ly, V.W, NET_S(N, l + 1), dn, x, l + 1 == L ? aL : T->act[par][l + 1], m,
                                           &pt, d, T->part[l + 1], T->tmp[tid], 1);
            if (d && (N->layer[l].act != ACT_LINEAR || dr || NN_FAULT == 4)) /* (a linear layer's f' is 1) */
                for (size_t b = pt.b0; b < pt.b1; b++)
                    for (size_t j0 = pt.j0; j0 < h; j0 += 256) { /* d *= f'(z), in blocks of 256: BP2's (.) sigma'(z^l) */
                        float g[256];
                        size_t n = h - j0 < 256 ? h - j0 : 256;
                        act_grad(a + b * ld + j0, g, n, N->layer[l].act);
                        for (size_t j = j0; j < j0 + n; j++) {
                            float f = (NN_FAULT == 4 ? -1 : 1) * g[j - j0];
                            if (dr) f *= dropout_scale(T->key, step, b, j, p);
                            d[b * ld + j] *= f;
                        }
                    }
        }
        if (rows_kind) { /* after every thread's rows: the gradient of this thread's weight columns, and the step */
            barrier_wait(T->bar);
            if (ly->nw) {
                size_t i0, i1;
                weight_chunk(ly, nt, tid, &i0, &i1);
                layer_update(T, ly, &V, dn, m, x, T->part[l + 1], i0, i1, 0, ly->wrows, tid == 0, step);
            }
            if (l == 0) barrier_wait(T->bar); /* every thread's next forward pass reads all of W(1) */
            continue;
        }
        if (rep && l + 1 == L) { /* the whole replica, after its columns were read above */
            layer_update(T, ly, &V, dn, m, x, NULL, 0, ld, 0, nn, 1, step);
        } else {
            if (pt.j0 < pt.j1) layer_update(T, ly, &V, dn, m, x, NULL, pt.j0, pt.j1, 0, nn, 0, step);
            if (tid == 0) layer_update(T, ly, &V, dn, m, x, NULL, 0, 0, 0, nn, 1, step); /* the biases */
        }
        if (l > 1 || !dense1) barrier_wait(T->bar); /* all of delta(l) is needed below */
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

/* Pool job: one epoch over T->order in mini-batches, from batch T->first.
 * A stop request (SIGINT, SIGTERM) seen by thread 0 before batch k stops
 * every thread before batch k + 2: threads that cross a barrier every batch
 * are never more than one batch apart, so all of them stop at the same
 * batch; T->done_batches says where. */
static void train_epoch_job(void *arg, int tid, int nt)
{
    Trainer *T = arg;
    size_t nb = T->upto ? T->from : T->first, s = nb * T->batch, end = T->upto ? T->upto * T->batch : T->count;
    for (; s < T->count && s < end; s += T->batch, nb++) {
        size_t m = T->count - s < T->batch ? T->count - s : T->batch, next = s + 2 * T->batch;
        if (tid == 0 && atomic_load(&T->stop_at) == SIZE_MAX) {
            if (!isfinite(T->cost_sum)) T->diverged = 1; /* stop within two mini-batches, not at the epoch's end */
            if (T->diverged || (T->stop_flag && *T->stop_flag)) atomic_store(&T->stop_at, nb + 2);
        }
        if (nb >= atomic_load(&T->stop_at)) break;
        if (tid == 0 && T->progress && (nb & 63) == 0) progress_bar(T, nb);
        if (next < T->count)
            prefetch_rows(T->data, T->order + next, T->count - next < T->batch ? T->count - next : T->batch);
        train_step(T, tid, nt, T->order + s, m, (int)(nb & 1), T->step0 + nb + 1);
        if (tid == 0 && T->upto && nb == T->from) T->t_first = now_seconds(); /* train_epoch's timing starts */
    }
    if (tid == 0) T->done_batches = nb;
}

/* Allocate a trainer's buffers for mini-batches of `batch` and nt threads;
 * `optimizer` and `dropout` decide which optional buffers exist. */
static int trainer_init(Trainer *T, Net *N, size_t batch, int nt, Barrier *bar, int optimizer, float dropout, Err *err)
{
    int L = N->nl - 1, states = optimizer == OPT_ADAM ? 2 : optimizer == OPT_SGD ? 0 : 1, later = 0;
    size_t wl = N->layer[L].boff + N->layer[L].nb - N->layer[L].woff, wall = 0; /* a replica's floats */
    memset(T, 0, sizeof *T);
    T->net = N, T->batch = batch, T->bar = bar, T->optimizer = optimizer, T->dropout = dropout;
    atomic_init(&T->stop_at, SIZE_MAX);
    for (int l = 1; l <= L; l++) wall += LK(N, l)->macs(&N->layer[l]);
    /* replicate the output layer when that costs at most a quarter more
     * work; softmax needs the whole output row in one thread anyway */
    T->rep = nt == 1 || (acts[N->layer[L].act].where & ACT_ROW) || LK(N, L)->macs(&N->layer[L]) * 4 <= wall;
    for (int l = 1; l <= L; l++) /* a convolution's step waits for its gradient (see train_step) */
        if ((LK(N, l)->flags & KIND_BY_ROWS) && N->layer[l].nw) later = 1;
    if ((states || later) && !(T->gbuf = alloc_floats(N->nparam))) goto oom;
    if (states && (!(T->s1 = alloc_floats(N->nparam)) || (states == 2 && !(T->s2 = alloc_floats(N->nparam))))) goto oom;
    for (int t = 0; t < nt; t++) {
        if (!(T->xb[t] = alloc_floats(batch * N->ld[0])) || !(T->tmp[t] = alloc_floats(net_tmp(N))) ||
            !(T->augb[t] = alloc_floats(N->ld[0])))
            goto oom;
        if (!T->rep) continue;
        if (!(T->out[t] = alloc_floats(batch * N->ld[L])) || !(T->dout[t] = alloc_floats(batch * N->ld[L]))) goto oom;
        if (t && (!(T->wl[t] = alloc_floats(wl)) || !(T->gl[t] = alloc_floats(wl)) ||
                  (states && !(T->s1l[t] = alloc_floats(wl))) || (states == 2 && !(T->s2l[t] = alloc_floats(wl)))))
            goto oom;
    }
    for (int p = 0; p < 2; p++) {
        for (int l = 1; l <= L; l++)
            if (!(T->act[p][l] = alloc_floats(batch * N->ld[l])) || !(T->dlt[p][l] = alloc_floats(batch * N->ld[l])) ||
                (dropout > 0 && l < L && !(T->drp[p][l] = alloc_floats(batch * N->ld[l]))) ||
                (!p && N->layer[l].part && !(T->part[l] = alloc_floats2((batch + NN_GROUP - 1) / NN_GROUP, N->layer[l].part))))
                goto oom;
        if (!(T->cterm[p] = alloc_array(batch * N->ld[L], sizeof(double)))) goto oom;
    }
    return 0;
oom:
    return fail(err, NULL, "out of memory for the mini-batch buffers");
}

/* Make every thread's replica of the output layer (weights and optimiser
 * state) equal to the model's. */
static void trainer_sync(Trainer *T)
{
    const Net *N = T->net;
    int L = N->nl - 1;
    size_t wo = N->layer[L].woff, n = (N->layer[L].boff + N->layer[L].nb - wo) * sizeof(float);
    for (int t = 1; t < NN_MAX_THREADS; t++) {
        if (T->wl[t]) memcpy(T->wl[t], N->param + wo, n);
        if (T->s1l[t]) memcpy(T->s1l[t], T->s1 + wo, n);
        if (T->s2l[t]) memcpy(T->s2l[t], T->s2 + wo, n);
    }
}

/* One epoch on a busy machine.  The threads of a mini-batch meet at a
 * barrier, so when another process takes a core, a thread waits for one
 * that is off the CPU for a whole time slice, and two threads run slower
 * than one (2-5x, measured beside one CPU-bound process on 2 cores).  So
 * the epoch runs in segments of NN_SEG mini-batches, each either on all
 * threads or on thread 0 alone, timed; the faster way runs, and the other
 * is tried again every NN_EXPLORE segments, so the choice follows the load
 * as it comes and goes (leaving all threads takes a 10% gain, on the
 * median of the last three timings of each way).  The
 * evaluations between epochs follow the choice (Pool.solo).  Both ways
 * compute every number by the same operations (see Trainer), so the model
 * does not depend on the choices. */
#ifndef NN_SEG /* (tests/unit.c sets both small, so that its runs switch often) */
#define NN_SEG 256
#endif
#ifndef NN_EXPLORE
#define NN_EXPLORE 128
#endif

/* The median of the last three timings (fewer: the smallest; none: 0), so
 * that one hiccup of a shared host does not flip the choice. */
static double spb_estimate(const double *h)
{
    double a = h[0], b = h[1], c = h[2];
    if (b == 0) return a;
    if (c == 0) return a < b ? a : b;
    return a > b ? (b > c ? b : a < c ? a : c) : (a > c ? a : b < c ? b : c);
}

static void train_epoch(Pool *pl, Trainer *T)
{
    size_t nbat = (T->count + T->batch - 1) / T->batch, nb = T->first;
    Barrier *shared = T->bar, solo;
    if (pl->nt == 1) {
        pool_run(pl, train_epoch_job, T);
        return;
    }
    barrier_init(&solo, 1);
    T->done_batches = nb;
    pl->solo = 0;
    while (nb < nbat) {
        size_t seg = NN_SEG, hi;
        int alone;
        double spb, all = spb_estimate(T->spb[0]), one = spb_estimate(T->spb[1]);
        if (all == 0 || one == 0) alone = all != 0; /* try each way once */
        else alone = T->alone ? one <= all : one < 0.9 * all; /* leave all threads only for 10% */
        T->alone = alone;
        if (one != 0 && ++T->nseg % NN_EXPLORE == 0) alone = !alone, seg = (NN_SEG + 3) / 4; /* a short trial */
        hi = nbat - nb > seg ? nb + seg : nbat;
        T->from = nb, T->upto = hi;
        T->t_first = 0;
        if (alone) {
            T->bar = &solo;
            train_epoch_job(T, 0, 1);
            T->bar = shared, T->stale = T->rep;
        } else {
            if (T->stale) trainer_sync(T), T->stale = 0;
            pool_run(pl, train_epoch_job, T);
        }
        if (T->done_batches > nb + 1 && T->t_first != 0) { /* (the first mini-batch pays for waking threads) */
            spb = (now_seconds() - T->t_first) / (double)(T->done_batches - nb - 1);
            T->spb[alone][2] = T->spb[alone][1], T->spb[alone][1] = T->spb[alone][0], T->spb[alone][0] = spb;
        }
        if (T->done_batches < hi) break; /* stopped */
        nb = hi;
    }
    T->upto = 0;
    if (T->stale) trainer_sync(T), T->stale = 0;
    barrier_destroy(&solo);
    pl->solo = T->alone; /* the evaluations after the epoch follow */
}

static void trainer_free(Trainer *T)
{
    for (int t = 0; t < NN_MAX_THREADS; t++) {
        free(T->xb[t]), free(T->out[t]), free(T->dout[t]), free(T->tmp[t]), free(T->augb[t]);
        free(T->wl[t]), free(T->gl[t]), free(T->s1l[t]), free(T->s2l[t]);
    }
    for (int p = 0; p < 2; p++) {
        for (int l = 0; l < NN_MAX_LAYERS; l++) free(T->act[p][l]), free(T->dlt[p][l]), free(T->drp[p][l]);
        free(T->cterm[p]);
    }
    for (int l = 0; l < NN_MAX_LAYERS; l++) free(T->part[l]);
    free(T->gbuf), free(T->s1), free(T->s2);
}

/* ======================================================================== */
/* @@infer inference                                                       */
/* ======================================================================== */

/* Member e of an ensemble N as a network of its own (a view: its
 * parameters are N's). */
static Net net_member(const Net *N, int e)
{
    Net V = *N;
    V.param = N->param + (size_t)e * N->nparam, V.members = 1;
    return V;
}

/* Networks in N: 1, or an ensemble's members. */
static int net_members(const Net *N) { return N->members > 1 ? N->members : 1; }

/* Forward m <= NN_CHUNK rows in s[0] through one network; s[1] and s[2]
 * as in forward_chunk, s[0] overwritten.  The output activations (m,
 * ld[L]). */
static const float *forward_one(const Net *N, size_t m, float *const *s)
{
    float *in = s[0], *o = s[1];
    for (int l = 1; l < N->nl; l++) {
        Part pt = {0, m, 0, N->size[l]};
        LK(N, l)->forward(&N->layer[l], NET_W(N, l), NET_B(N, l), NET_S(N, l), in, m, &pt, o, NULL, s[2], 0);
        layer_activate(N, l, o, N->ld[l], 0, m, 0, N->size[l]);
        for (size_t b = 0; b < m; b++) /* the next layer reads the padding */
            memset(o + b * N->ld[l] + N->size[l], 0, (N->ld[l] - N->size[l]) * sizeof(float));
        in = o, o = (o == s[1]) ? s[0] : s[1];
    }
    return in;
}

/* Forward m <= NN_CHUNK rows held in s[0] (m, ld[0]) -- scaled, padding
 * zero -- through the whole network on one thread; s[0] and s[1] (NN_CHUNK,
 * maxld), s[2] (a row's scratch of the widest layer) and s[3] (an
 * ensemble's: NN_CHUNK x (ld[0] + size[L])) are scratch.  An ensemble's
 * output is the mean of its members' output activations (probabilities,
 * or standardised values), summed in member order.  Row b's output
 * activations go to out + b * size[L] when out != NULL, its arg-max label
 * to pred[b] when pred != NULL. */
#define NN_CHUNK 64
#define NN_SCRATCH 4 /* forward_chunk's scratch buffers */
static void forward_chunk(const Net *N, size_t m, float *const *s, float *out, int32_t *pred)
{
    int L = N->nl - 1, E = net_members(N);
    size_t nL = N->size[L], ldL = N->ld[L];
    const float *a = NULL;
    float *keep = s[3], *sum = s[3] + NN_CHUNK * N->ld[0];
    if (E == 1) a = forward_one(N, m, s);
    else {
        memcpy(keep, s[0], m * N->ld[0] * sizeof(float));
        for (int e = 0; e < E; e++) {
            Net V = net_member(N, e);
            if (e) memcpy(s[0], keep, m * N->ld[0] * sizeof(float));
            a = forward_one(&V, m, s);
            for (size_t b = 0; b < m; b++)
                for (size_t k = 0; k < nL; k++) sum[b * nL + k] = (e ? sum[b * nL + k] : 0.0f) + a[b * ldL + k];
        }
        for (size_t i = 0; i < m * nL; i++) sum[i] /= (float)E;
        a = sum, ldL = nL;
    }
    for (size_t b = 0; b < m; b++) {
        const float *y = a + b * ldL;
        if (pred) pred[b] = TASK(N)->decide(y, nL);
        if (out) memcpy(out + b * nL, y, nL * sizeof(float));
    }
}

/* Forward rows [r0, r1) of a data set, NN_CHUNK at a time; results as in
 * forward_chunk, indexed by row. */
static void forward_rows(const Net *N, const InputMap *in, const Data *d, size_t r0, size_t r1, float *const *s,
                         float *out, int32_t *pred)
{
    for (size_t r = r0; r < r1; r += NN_CHUNK) {
        size_t m = r1 - r < NN_CHUNK ? r1 - r : NN_CHUNK, rows[NN_CHUNK];
        for (size_t b = 0; b < m; b++) {
            rows[b] = r + b;
            memset(s[0] + b * N->ld[0] + N->size[0], 0, (N->ld[0] - N->size[0]) * sizeof(float));
        }
        map_rows(in, d, rows, m, s[0], N->ld[0]);
        forward_chunk(N, m, s, out ? out + r * N->size[N->nl - 1] : NULL, pred ? pred + r : NULL);
    }
}

/* Forward rows [r0, r0 + m) of d on one thread keeping every layer's
 * activations: A[l] (m, ld[l]) for l = 0 (the mapped input) to L, which the
 * caller allocates; tmp is a row's scratch (net_tmp floats).  For looking
 * inside (nn explain, the saturation note); not a fast path. */
static void forward_keep(const Net *N, const InputMap *in, const Data *d, size_t r0, size_t m, float *const *A, float *tmp)
{
    size_t rows[NN_CHUNK];
    for (size_t r = 0; r < m; r += NN_CHUNK) { /* the input, mapped as training and predict map it */
        size_t c = m - r < NN_CHUNK ? m - r : NN_CHUNK;
        for (size_t b = 0; b < c; b++) rows[b] = r0 + r + b;
        memset(A[0] + r * N->ld[0], 0, c * N->ld[0] * sizeof(float));
        map_rows(in, d, rows, c, A[0] + r * N->ld[0], N->ld[0]);
    }
    for (int l = 1; l < N->nl; l++) {
        Part pt = {0, m, 0, N->size[l]};
        memset(A[l], 0, m * N->ld[l] * sizeof(float));
        LK(N, l)->forward(&N->layer[l], NET_W(N, l), NET_B(N, l), NET_S(N, l), A[l - 1], m, &pt, A[l], NULL, tmp, 0);
        layer_activate(N, l, A[l], N->ld[l], 0, m, 0, N->size[l]);
    }
}

/* Fit the untrained state of every layer whose kind fits one from data
 * (LayerKind.fit), before training: on its inputs over at most
 * NN_FIT_ROWS rows of d spread evenly over the file (a file sorted by
 * class is sampled whole), mapped as training maps them, each later layer
 * fitted on what the fitted ones before it give.  0, or -1 out of memory. */
#define NN_FIT_ROWS 20000
static int net_fit(Net *N, const InputMap *in, const Data *d)
{
    int last = 0;
    size_t m = d->n < NN_FIT_ROWS ? d->n : NN_FIT_ROWS, maxld = 0, rows[NN_CHUNK];
    float *A[2], *tmp;
    for (int l = 1; l < N->nl; l++)
        if (LK(N, l)->fit) last = l;
    if (!last || !m) return 0;
    for (int l = 0; l < N->nl; l++) maxld = N->ld[l] > maxld ? N->ld[l] : maxld;
    A[0] = alloc_floats2(m, maxld), A[1] = alloc_floats2(m, maxld), tmp = alloc_floats(net_tmp(N) + 1);
    if (!A[0] || !A[1] || !tmp) {
        free(A[0]), free(A[1]), free(tmp);
        return -1;
    }
    memset(A[0], 0, m * N->ld[0] * sizeof(float));
    for (size_t r = 0; r < m; r += NN_CHUNK) {
        size_t c = m - r < NN_CHUNK ? m - r : NN_CHUNK;
        for (size_t b = 0; b < c; b++) rows[b] = (size_t)((double)(r + b) * (double)d->n / (double)m);
        map_rows(in, d, rows, c, A[0] + r * N->ld[0], N->ld[0]);
    }
    for (int l = 1, k = 0; l <= last; l++, k ^= 1) {
        Part pt = {0, m, 0, N->size[l]};
        if (LK(N, l)->fit) LK(N, l)->fit(&N->layer[l], NET_S(N, l), A[k], m);
        if (l == last) break;
        memset(A[k ^ 1], 0, m * N->ld[l] * sizeof(float));
        LK(N, l)->forward(&N->layer[l], NET_W(N, l), NET_B(N, l), NET_S(N, l), A[k], m, &pt, A[k ^ 1], NULL, tmp, 0);
        layer_activate(N, l, A[k ^ 1], N->ld[l], 0, m, 0, N->size[l]);
    }
    free(A[0]), free(A[1]), free(tmp);
    return 0;
}

/* Backpropagate through rows [0, m) whose activations A[0..L] forward_keep
 * left, from D[L] (m, ld[L]) = dS/dz of the output layer for some scalar S
 * (the cost: the task's error; a class's score: 1 at that unit).  Fills
 * D[l] (m, ld[l]) with dS/dz of layer l's units for 1 <= l < L (BP2: the
 * error sent back through the weights, times sigma'(z)) and D[0] with dS/dx
 * of the mapped input; and, when G (nparam floats) is given, G with dS/dw
 * and dS/db of every weight and bias summed over the rows (BP3, BP4).
 * One thread, the kinds' own backward and update: what training computes,
 * for looking inside (nn explain, the report's gradient norms).  tmp is a
 * row's scratch (net_tmp); part, with a convolution, ceil(m / NN_GROUP)
 * times its ly->part floats (backprop_part). */
static size_t backprop_part(const Net *N, size_t m)
{
    size_t p = 0;
    for (int l = 1; l < N->nl; l++)
        if (N->layer[l].part > p) p = N->layer[l].part;
    return p * ((m + NN_GROUP - 1) / NN_GROUP);
}

static void backprop_rows(const Net *N, size_t m, float *const *A, float *const *D, float *G, float *tmp, float *part)
{
    for (int l = N->nl - 1; l >= 1; l--) {
        const Layer *ly = &N->layer[l];
        const LayerKind *k = LK(N, l);
        Part pt = {0, m, 0, (k->flags & KIND_BY_ROWS) ? ly->nin : ly->ldin};
        memset(D[l - 1], 0, m * N->ld[l - 1] * sizeof(float));
        k->backward(ly, NET_W(N, l), NET_S(N, l), D[l], A[l - 1], A[l], m, &pt, D[l - 1], part, tmp, 0);
        for (size_t b = 0; b < m; b++) /* (the kernels may write the padding) */
            memset(D[l - 1] + b * N->ld[l - 1] + N->size[l - 1], 0, (N->ld[l - 1] - N->size[l - 1]) * sizeof(float));
        if (G && (ly->nw || ly->nb))
            k->update(ly, NET_S(N, l), D[l], m, A[l - 1], part, 0, ly->ldw, 0, ly->wrows, 1.0f, 1.0f,
                      NET_W(N, l), NULL, G + ly->woff, G + ly->boff);
        if (l > 1)
            for (size_t b = 0; b < m; b++) { /* times sigma'(z) of layer l-1 */
                float g[256], *d = D[l - 1] + b * N->ld[l - 1];
                const float *a = A[l - 1] + b * N->ld[l - 1];
                for (size_t j0 = 0; j0 < N->size[l - 1]; j0 += 256) {
                    size_t n = N->size[l - 1] - j0 < 256 ? N->size[l - 1] - j0 : 256;
                    act_grad(a + j0, g, n, N->layer[l - 1].act);
                    for (size_t j = 0; j < n; j++) d[j0 + j] *= g[j];
                }
            }
    }
}

/* How each layer of N does on rows [0, m) of d (the report's per-epoch
 * figures, the textbook's chapter 5): dead[l], the share of its units (of
 * its maps, an image layer's) that are 0 on every row, for a ReLU layer;
 * sat[l], the share of its values within 0.02 of an end, for a sigmoid or
 * tanh layer; and with labels (or targets) gnorm[l], the norm of the
 * gradient of the mean cost over the rows with respect to its biases,
 * |dC/db| = |delta|: the textbook's speed of learning of a layer (chapter
 * 5), comparable between layers of different widths of input.  NAN where
 * a figure does not apply (l = 0 too).  0, or -1 out of memory. */
static int layer_stats(const Net *N, const InputMap *in, const Data *d, size_t m, double *dead, double *sat, double *gnorm)
{
    int L = N->nl - 1, ok = 1, lab = d->y || d->t;
    float *A[NN_MAX_LAYERS] = {0}, *D[NN_MAX_LAYERS] = {0}, *G = lab ? alloc_floats(N->nparam) : NULL;
    float *tmp = alloc_floats(net_tmp(N) + 1), *part = alloc_floats(backprop_part(N, m) + 1);
    for (int l = 0; l <= L; l++) dead[l] = sat[l] = gnorm[l] = NAN;
    ok = tmp && part && (G || !lab) && m;
    for (int l = 0; l <= L && ok; l++) ok = (A[l] = alloc_floats2(m, N->ld[l])) && (D[l] = alloc_floats2(m, N->ld[l]));
    if (ok) {
        forward_keep(N, in, d, 0, m, A, tmp);
        for (int l = 1; l <= L; l++) {
            const Layer *ly = &N->layer[l];
            size_t n = N->size[l], maps = (LK(N, l)->flags & KIND_FLAT) || !ly->oc ? n : ly->oc, cnt = 0;
            if (ly->act == ACT_RELU && l < L) {
                for (size_t c = 0; c < maps; c++) { /* unit (or map) c: 0 on every row? */
                    int live = 0;
                    for (size_t b = 0; b < m && !live; b++)
                        for (size_t j = c; j < n && !live; j += maps) live = A[l][b * N->ld[l] + j] > 0;
                    cnt += !live;
                }
                dead[l] = (double)cnt / (double)maps;
            }
            if (ly->act == ACT_SIGMOID || ly->act == ACT_TANH) {
                float lo = ly->act == ACT_SIGMOID ? 0.02f : -0.98f;
                for (size_t b = 0; b < m; b++)
                    for (size_t j = 0; j < n; j++) cnt += A[l][b * N->ld[l] + j] < lo || A[l][b * N->ld[l] + j] > 0.98f;
                sat[l] = (double)cnt / (double)(m * n);
            }
        }
        if (lab) {
            memset(D[L], 0, m * N->ld[L] * sizeof(float));
            TASK(N)->error(N, d, A[L], m, N->ld[L], 0, N->size[L], NULL, D[L], NULL);
            backprop_rows(N, m, A, D, G, tmp, part);
            for (int l = 1; l <= L; l++) {
                const Layer *ly = &N->layer[l];
                double q = 0;
                if (!ly->nb) continue;
                for (size_t j = 0; j < ly->nbias; j++) q += (double)G[ly->boff + j] * G[ly->boff + j];
                gnorm[l] = sqrt(q) / (double)m;
            }
        }
    }
    for (int l = 0; l <= L; l++) free(A[l]), free(D[l]);
    free(G), free(tmp), free(part);
    return ok ? 0 : -1;
}

/* Pool job: forward every row of a data set, rows split between threads
 * (each row's result is independent of the split). */
typedef struct {
    const Net *net;
    const InputMap *in; /* the model's */
    const Data *data;
    float *scratch[NN_MAX_THREADS][NN_SCRATCH]; /* forward_chunk's s, per thread */
    float *out;
    int32_t *pred;
} Infer;

static void infer_job(void *arg, int tid, int nt)
{
    Infer *I = arg;
    size_t n = I->data->n, r0 = n * (size_t)tid / (size_t)nt, r1 = n * (size_t)(tid + 1) / (size_t)nt;
    forward_rows(I->net, I->in, I->data, r0, r1, I->scratch[tid], I->out, I->pred);
}

static int infer_init(Infer *I, const Net *N, const InputMap *in, int nt, Err *err)
{
    size_t maxld = 0;
    memset(I, 0, sizeof *I);
    I->net = N, I->in = in;
    for (int l = 0; l < N->nl; l++)
        if (N->ld[l] > maxld) maxld = N->ld[l];
    for (int t = 0; t < nt; t++)
        for (int k = 0; k < NN_SCRATCH; k++)
            if (!(I->scratch[t][k] = alloc_floats(k < 2   ? NN_CHUNK * maxld
                                                  : k == 2 ? net_tmp(N)
                                                           : NN_CHUNK * (N->ld[0] + N->size[N->nl - 1]))))
                return fail(err, NULL, "out of memory for prediction buffers");
    return 0;
}

static void infer_free(Infer *I)
{
    for (int t = 0; t < NN_MAX_THREADS; t++)
        for (int k = 0; k < NN_SCRATCH; k++) free(I->scratch[t][k]);
}

/* Run the network over all of d; fills pred (n) and/or out (n, size[L]). */
static void infer_all(Pool *pl, Infer *I, const Data *d, float *out, int32_t *pred)
{
    I->data = d, I->out = out, I->pred = pred;
    pool_run(pl, infer_job, I);
}

/* ======================================================================== */
/* @@model model file                                                      */
/* ======================================================================== */

/* Format notes: the nn model file, format version 4.  All integers are
 * unsigned little-endian, floats IEEE-754 binary32 little-endian, each
 * written byte by byte (never a struct).
 *
 *   offset  size     field
 *   0       8        magic 89 4E 4E 4D 0D 0A 1A 0A ("\x89NNM\r\n\x1a\n")
 *   8       4        format version (4; versions 1 to 3 still load)
 *   12      4        K, number of activation layers, input included (2..16)
 *   16      4        task (1 classification, 2 regression)
 *   20      4        cost (1 quadratic, 2 cross-entropy, 3 log-likelihood)
 *   24      4        input divisor (f32 > 0): features are divided by it
 *   28      4        inputs (1..65536)
 *   32      12       the input's shape: channels, height, width (4 each,
 *                    their product the inputs; a plain input: inputs x 1 x 1)
 *   44      ...      K-1 layer records, one per layer from the first:
 *                    kind (4: 1 dense, 2 convolution, 3 max pooling, 4
 *                    average pooling, 5 piecewise-linear encoding), activation (4: 1 sigmoid, 2 tanh,
 *                    3 relu, 4 leaky, 5 linear, 6 softmax; a pool's is
 *                    linear), outputs (4, 1..65536), E (4, at most 1024)
 *                    and E bytes of the kind's own fields (dense: none;
 *                    convolution: maps, kernel size, padding, 4 each; pool:
 *                    its window, 4; piecewise-linear encoding: its bins, 4, and 1 (4)
 *                    when each value comes before its bins).  A new kind of layer is a new kind id
 *                    with its own fields.  Each layer's output shape
 *                    follows from the input's and the records, and must
 *                    give the outputs its record states.
 *   ..      4        F, the number of settings fields (at most 1000), then F
 *                    fields, each: tag (4), length in bytes (4), value.
 *                    Tags (all 4-byte values; f = f32, else u32): 1 eta f,
 *                    2 batch, 3 epochs asked, 4 epochs done, 5/6 seed low/
 *                    high, 7 init, 8 optimiser, 9 momentum f, 10 lambda f,
 *                    11 dropout f, 12 schedule, 13 gamma f, 14 step,
 *                    15 kept epoch, 16 validation rows, 17 patience,
 *                    18 beta1 f, 19 beta2 f, 20 epsilon f; and two of
 *                    variable length, present when used: 21 class names
 *                    (count (4), then for each name its length (4, at
 *                    most 4096) and its UTF-8 bytes), 22 standardisation
 *                    (the inputs' means, then 1 / their deviations, f32;
 *                    8 x inputs bytes); 23 the table (a CSV file read as
 *                    a table): what training did with a missing value (4:
 *                    1 mean, 2 drop, 3 error), the column count C (4),
 *                    then for each column its kind (4: 1 number, 2
 *                    category, 3 label, 4 target, 5 ignored), its name's
 *                    length (4; 0xFFFFFFFF: no name) and bytes, its fill
 *                    value (f32, the training mean of a number column),
 *                    its category count (4) and each category's length (4)
 *                    and bytes; 24 the regression targets: count T (4),
 *                    their means and deviations (f32, 8 x T bytes); 25
 *                    the augmentation (4: the shift in pixels, + 0x100 for
 *                    flip), present when used; 26 (4: 1) the class names
 *                    name numbered classes (--class-names): data gives
 *                    their labels as numbers, present when used; 27 (4:
 *                    2 to 64) an ensemble's networks, present when used.
 *                    An unknown tag is an error: it may change what the
 *                    model computes.
 *   ..      ...      for each layer, its parameters as its kind lays them
 *                    out (dense: weights, outputs x inputs row-major, row j
 *                    the weights into unit j, then the biases; convolution:
 *                    per map its kernel, (row, column, channel) order, then
 *                    the biases; pool: none), then its untrained state
 *                    (running statistics: ns floats, as its kind's shape
 *                    says: a piecewise-linear encoding's lo, inv, lower and upper, outputs
 *                    floats each), all f32; an ensemble has each
 *                    member's parameters so, one member after another
 *   end-4   4        CRC-32 (IEEE, as gzip) of every byte before it
 *
 * Version 3 had no input shape (its records start at 32; dense layers
 * only).  Version 2 had, after the version: K (4), the K layer sizes, the
 * activations of layers 1..K-1, the cost, the input divisor, then the
 * fields and the weights as above (dense layers, classification).  Version
 * 1 had, after the input divisor, fixed fields: eta f, batch, epochs,
 * epochs done, seed (8 bytes); and sigmoid activations only.
 *
 * A loader checks the magic, the version, the CRC, every field's range, that
 * every number is finite, and that the length is exactly what the sizes say. */

#define MODEL_VERSION 4u
#define MODEL_MAX_REC 1024u /* bytes of a layer kind's own fields in a record */
#define MODEL_MAX_FIELDS 1000u
#define MODEL_V3_KIND 1u /* the one kind of layer of versions 1 to 3: dense */

enum { TAG_ETA = 1, TAG_BATCH, TAG_EPOCHS, TAG_DONE, TAG_SEED_LO, TAG_SEED_HI, TAG_INIT, TAG_OPT, TAG_MOMENTUM,
       TAG_LAMBDA, TAG_DROPOUT, TAG_SCHEDULE, TAG_GAMMA, TAG_STEP, TAG_KEPT, TAG_VAL, TAG_PATIENCE, TAG_BETA1,
       TAG_BETA2, TAG_EPS, TAG_COUNT, /* the fixed 4-byte fields end here */
       TAG_NAMES = 21,       /* variable length: count, then (length, bytes) per class name */
       TAG_STANDARDIZE = 22, /* 8 x inputs bytes: the inputs' means, then 1 / their deviations (f32) */
       TAG_TABLE = 23,       /* variable length: the training table's columns (see Table) */
       TAG_TARGETS = 24,     /* regression: count, then the targets' means and deviations (f32) */
       TAG_AUGMENT = 25,     /* 4 bytes, present when used: --augment's shift in pixels, + 0x100 for flip */
       TAG_NUMBERED = 26,    /* 4 bytes (1), present when used: the class names name numbered classes (--class-names) */
       TAG_MEMBERS = 27      /* 4 bytes (2..NN_MAX_MEMBERS), present when used: an ensemble's networks */
};
#define NN_MAX_MEMBERS 64
#define NN_MAX_NAME 4096 /* bytes in one class name */

/* The settings fields: tag, is-float, and where the value lives in Meta. */
static void meta_fields(Meta *M, uint32_t **u, float **f)
{
    for (int t = 1; t < TAG_COUNT; t++) u[t] = NULL, f[t] = NULL;
    f[TAG_ETA] = &M->eta, u[TAG_BATCH] = &M->batch, u[TAG_EPOCHS] = &M->epochs, u[TAG_DONE] = &M->epochs_done;
    u[TAG_INIT] = &M->init, u[TAG_OPT] = &M->optimizer, f[TAG_MOMENTUM] = &M->momentum, f[TAG_LAMBDA] = &M->lambda;
    f[TAG_DROPOUT] = &M->dropout, u[TAG_SCHEDULE] = &M->schedule, f[TAG_GAMMA] = &M->gamma, u[TAG_STEP] = &M->step;
    u[TAG_KEPT] = &M->kept_epoch, u[TAG_VAL] = &M->val_rows, u[TAG_PATIENCE] = &M->patience;
    f[TAG_BETA1] = &M->beta1, f[TAG_BETA2] = &M->beta2, f[TAG_EPS] = &M->epsilon;
}

/* Bytes of the fixed header for K layer sizes (format 2, before the fields). */
static size_t model_header_len_v2(int K) { return 8 + 4 + 4 + 4 * (size_t)K + 4 * (size_t)(K - 1) + 4 + 4 + 4; }

/* Encode a model into a malloc'd buffer; caller frees.  NULL when out of
 * memory.  Written into a growing Buf, so no size is computed by hand. */
static uint8_t *model_encode(const Net *N, const Meta *Min, size_t *len)
{
    Meta Mc = *Min;
    uint32_t *u[TAG_COUNT];
    float *f[TAG_COUNT];
    Buf b = {NULL, 0, 0, 0};
    meta_fields(&Mc, u, f);
    buf_put(&b, MODEL_MAGIC, 8);
    buf_u32(&b, MODEL_VERSION);
    buf_u32(&b, (uint32_t)N->nl);
    buf_u32(&b, (uint32_t)N->task);
    buf_u32(&b, (uint32_t)N->cost);
    buf_u32(&b, f32_bits(Mc.in.div));
    buf_u32(&b, (uint32_t)N->size[0]);
    for (int k = 0; k < 3; k++) buf_u32(&b, (uint32_t)N->shape[0][k]);
    for (int l = 1; l < N->nl; l++) { /* the layer records */
        const Layer *ly = &N->layer[l];
        size_t at;
        buf_u32(&b, (uint32_t)ly->kind), buf_u32(&b, (uint32_t)ly->act), buf_u32(&b, (uint32_t)N->size[l]);
        at = b.n;
        buf_u32(&b, 0); /* E, filled in below */
        LK(N, l)->rec_save(&b, ly);
        if (!b.oom) put_le32(b.p + at, (uint32_t)(b.n - at - 4));
    }
    buf_u32(&b, TAG_COUNT - 1 + (Mc.names != NULL) + (Mc.in.mean != NULL) + (Mc.tab.ncol != 0) + (Mc.out.n != 0) + (Mc.augment != 0) +
                   (Mc.numbered != 0) + (N->members > 1));
    if (N->members > 1) buf_u32(&b, TAG_MEMBERS), buf_u32(&b, 4), buf_u32(&b, (uint32_t)N->members);
    if (Mc.augment) buf_u32(&b, TAG_AUGMENT), buf_u32(&b, 4), buf_u32(&b, Mc.augment);
    if (Mc.numbered) buf_u32(&b, TAG_NUMBERED), buf_u32(&b, 4), buf_u32(&b, 1);
    for (uint32_t t = 1; t < TAG_COUNT; t++) {
        uint32_t v = t == TAG_SEED_LO ? (uint32_t)Mc.seed : t == TAG_SEED_HI ? (uint32_t)(Mc.seed >> 32)
                   : f[t] ? f32_bits(*f[t]) : *u[t];
        buf_u32(&b, t), buf_u32(&b, 4), buf_u32(&b, v);
    }
    if (Mc.names) { /* the class names: count, then length and bytes of each */
        size_t at;
        buf_u32(&b, TAG_NAMES);
        at = b.n;
        buf_u32(&b, 0); /* the field's length, filled in below */
        buf_u32(&b, Mc.nnames);
        for (uint32_t k = 0; k < Mc.nnames; k++) {
            size_t l = strlen(Mc.names[k]);
            buf_u32(&b, (uint32_t)l), buf_put(&b, Mc.names[k], l);
        }
        if (!b.oom) put_le32(b.p + at, (uint32_t)(b.n - at - 4));
    }
    if (Mc.in.mean) {
        buf_u32(&b, TAG_STANDARDIZE), buf_u32(&b, (uint32_t)(8 * N->size[0]));
        buf_floats(&b, Mc.in.mean, N->size[0]), buf_floats(&b, Mc.in.rsd, N->size[0]);
    }
    if (Mc.tab.ncol) { /* the table's columns */
        size_t at;
        buf_u32(&b, TAG_TABLE);
        at = b.n;
        buf_u32(&b, 0); /* the field's length, filled in below */
        buf_u32(&b, Mc.tab.missing), buf_u32(&b, Mc.tab.ncol);
        for (uint32_t c = 0; c < Mc.tab.ncol; c++) {
            const Column *C = &Mc.tab.col[c];
            size_t l = C->name ? strlen(C->name) : 0;
            buf_u32(&b, (uint32_t)C->kind);
            buf_u32(&b, C->name ? (uint32_t)l : 0xFFFFFFFFu), buf_put(&b, C->name, l);
            buf_u32(&b, f32_bits(C->fill)), buf_u32(&b, C->ncat);
            for (uint32_t k = 0; k < C->ncat; k++) {
                l = strlen(C->cats[k]);
                buf_u32(&b, (uint32_t)l), buf_put(&b, C->cats[k], l);
            }
        }
        if (!b.oom) put_le32(b.p + at, (uint32_t)(b.n - at - 4));
    }
    if (Mc.out.n) {
        buf_u32(&b, TAG_TARGETS), buf_u32(&b, 4 + 8 * Mc.out.n), buf_u32(&b, Mc.out.n);
        buf_floats(&b, Mc.out.mean, Mc.out.n), buf_floats(&b, Mc.out.sd, Mc.out.n);
    }
    for (int e = 0; e < net_members(N); e++) { /* each member's parameters, one network after another */
        Net V = net_member(N, e);
        for (int l = 1; l < V.nl; l++) {
            LK(&V, l)->save(&b, &V.layer[l], NET_W(&V, l), NET_B(&V, l));
            buf_floats(&b, NET_S(&V, l), V.layer[l].ns);
        }
    }
    if (!b.oom) buf_u32(&b, crc32_update(0, b.p, b.n));
    if (b.oom) {
        free(b.p);
        return NULL;
    }
    *len = b.n;
    return b.p;
}

static void model_meta_free(Meta *M)
{
    names_free(M->names, M->nnames);
    free(M->in.mean), free(M->in.rsd);
    table_free(&M->tab);
    free(M->out.mean), free(M->out.sd);
    M->names = NULL, M->nnames = 0, M->in.mean = M->in.rsd = NULL;
    M->out.n = 0, M->out.mean = M->out.sd = NULL;
}

/* A length-prefixed text of at most max bytes from f, without NUL bytes,
 * into *s (malloc'd; NULL for the length 0xFFFFFFFF when may_absent). */
static int cur_text(Cursor *f, uint32_t max, int may_absent, char **s)
{
    uint32_t l;
    *s = NULL;
    if (cur_u32(f, &l)) return -1;
    if (l == 0xFFFFFFFFu && may_absent) return 0;
    if (l > max || !cur_need(f, l) || memchr(f->p, 0, l) || !(*s = malloc((size_t)l + 1))) return -1;
    memcpy(*s, f->p, l), (*s)[l] = 0, f->p += l;
    return 0;
}

/* n means and then n scales (f32, finite, the scales > 0) from c into
 * *mean and *scale (malloc'd; freed with the Meta on an error); 0 or -1.
 * The standardisation (scales: 1 / the deviations) and the targets
 * (scales: the deviations) are stored so. */
static int cur_mean_scale(Cursor *c, size_t n, float **mean, float **scale)
{
    if (!cur_need(c, 8 * n) || !(*mean = malloc(n * 4)) || !(*scale = malloc(n * 4))) return -1;
    for (size_t i = 0; i < 2 * n; i++, c->p += 4) {
        float fv = bits_f32(get_le32(c->p));
        if (!isfinite(fv) || (i >= n && !(fv > 0))) return -1;
        (i < n ? *mean : *scale)[i % n] = fv;
    }
    return 0;
}

/* Decode the table field [f.p, f.end) into t; 0 or -1. */
static int table_decode(Cursor f, Table *t)
{
    uint32_t ncol;
    if (cur_u32(&f, &t->missing) || t->missing < 1 || t->missing >= MISS_COUNT || cur_u32(&f, &ncol) || ncol < 1 ||
        ncol > NN_MAX_WIDTH + 1 || !(t->col = calloc(ncol, sizeof *t->col)))
        return -1;
    t->ncol = ncol;
    for (uint32_t c = 0; c < ncol; c++) {
        Column *C = &t->col[c];
        uint32_t kind, fill, ncat;
        if (cur_u32(&f, &kind) || kind < 1 || kind >= COL_COUNT || cur_text(&f, NN_MAX_NAME, 1, &C->name) ||
            cur_u32(&f, &fill) || cur_u32(&f, &ncat))
            return -1;
        C->kind = (int)kind, C->fill = bits_f32(fill);
        if (!isfinite(C->fill) || (kind == COL_CATEGORY ? ncat < 1 || ncat > NN_MAX_CATS : ncat != 0)) return -1;
        if (ncat && !(C->cats = calloc(ncat, sizeof *C->cats))) return -1;
        for (C->ncat = 0; C->ncat < ncat; C->ncat++)
            if (cur_text(&f, NN_MAX_NAME, 0, &C->cats[C->ncat])) return -1;
    }
    return f.p == f.end ? 0 : -1;
}

/* Whether the table fits the network: its features are the inputs, its
 * targets the outputs of a regression, its label column one at most and
 * only for classification.  A message or NULL. */
static const char *table_check(const Net *N, const Meta *M)
{
    size_t nx = 0, nt = 0, nl = 0;
    if (M->numbered && (!M->nnames || M->nnames != net_classes(N) || N->task == TASK_REGRESS))
        return "the numbered classes' names do not match the outputs";
    if (N->task == TASK_REGRESS && !M->out.n) return "a regression model without its targets field";
    if (N->task != TASK_REGRESS && M->out.n) return "a targets field in a classification model";
    if (M->out.n && M->out.n != N->size[N->nl - 1]) return "the targets field does not match the outputs";
    if (!M->tab.ncol) return NULL; /* (a regression on NumPy arrays has no table) */
    for (uint32_t c = 0; c < M->tab.ncol; c++) {
        const Column *C = &M->tab.col[c];
        nx += C->kind == COL_NUMBER ? 1 : C->kind == COL_CATEGORY ? C->ncat : 0;
        nt += C->kind == COL_TARGET, nl += C->kind == COL_LABEL;
    }
    if (nx != N->size[0]) return "the table's columns do not match the inputs";
    if (nt != M->out.n || nl > (N->task == TASK_CLASSIFY)) return "the table's label or target columns do not match the task";
    return NULL;
}

/* Check the decoded settings; a message or NULL. */
static const char *meta_check(const Meta *M)
{
    const float fl[] = {M->eta, M->momentum, M->lambda, M->dropout, M->gamma, M->beta1, M->beta2, M->epsilon};
    for (size_t k = 0; k < sizeof fl / sizeof *fl; k++)
        if (!isfinite(fl[k])) return "a training setting is not a finite number";
    if (M->init >= INIT_COUNT || M->optimizer >= OPT_COUNT || M->schedule >= SCHED_COUNT)
        return "unknown initialisation, optimiser or schedule id";
    if (M->epochs_done > M->epochs || M->kept_epoch > M->epochs_done) return "inconsistent epoch counts";
    return NULL;
}

/* Decode a model file image.  On success N owns a new parameter block and
 * M its class names (model_meta_free). */
static int model_decode_inner(const uint8_t *buf, size_t len, const char *name, Net *N, Meta *M, Err *err);

static int model_decode(const uint8_t *buf, size_t len, const char *name, Net *N, Meta *M, Err *err)
{
    int rc = model_decode_inner(buf, len, name, N, M, err);
    if (rc) model_meta_free(M);
    return rc;
}

static int model_decode_inner(const uint8_t *buf, size_t len, const char *name, Net *N, Meta *M, Err *err)
{
    Cursor c = {buf, buf + len};
    uint32_t ver, K, crc;
    size_t expect;
    const char *why;
    char whybuf[256];
    memset(N, 0, sizeof *N);
    memset(M, 0, sizeof *M);
    if ((why = sniff(RD_MODEL, buf, len, 1))) return fail(err, name, "%s", why);
    if (len < 16) return fail(err, name, "truncated model file (%zu bytes)", len);
    ver = get_le32(buf + 8);
    if (ver < 1 || ver > MODEL_VERSION)
        return fail(err, name, "model format version %u; this nn %s reads versions 1 to %u%s", ver, NN_VERSION,
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
    N->nl = (int)K;
    if (ver >= 3) { /* task, cost, divisor, inputs, then a record per layer */
        if (!cur_need(&c, 16)) return fail(err, name, "truncated model header");
        N->task = (int)get_le32(c.p), N->cost = (int)get_le32(c.p + 4);
        M->in.div = bits_f32(get_le32(c.p + 8)), N->size[0] = get_le32(c.p + 12), c.p += 16;
        if (N->task < 1 || N->task >= TASK_COUNT) return fail(err, name, "unknown task id %d", N->task);
        if (ver >= 4) { /* the input's shape */
            if (!cur_need(&c, 12)) return fail(err, name, "truncated model header");
            for (int k = 0; k < 3; k++) N->shape[0][k] = get_le32(c.p + 4 * k);
            c.p += 12;
            if (N->shape[0][0] > NN_MAX_WIDTH || N->shape[0][1] > NN_MAX_WIDTH || N->shape[0][2] > NN_MAX_WIDTH ||
                N->shape[0][0] * N->shape[0][1] * N->shape[0][2] != N->size[0])
                return fail(err, name, "the input shape %zux%zux%zu is not its %zu inputs", N->shape[0][0], N->shape[0][1],
                            N->shape[0][2], N->size[0]);
        }
        for (uint32_t l = 1; l < K; l++) {
            Layer *ly = &N->layer[l];
            uint32_t kind, a, e;
            if (!cur_need(&c, 16)) return fail(err, name, "truncated record of layer %u", l);
            kind = get_le32(c.p), a = get_le32(c.p + 4), N->size[l] = get_le32(c.p + 8), e = get_le32(c.p + 12);
            c.p += 16;
            if (kind < 1 || kind >= LAYER_COUNT || (ver < 4 && kind != MODEL_V3_KIND))
                return fail(err, name, "layer %u has unknown kind %u", l, kind);
            if (a < 1 || a >= ACT_COUNT) return fail(err, name, "layer %u has unknown activation id %u", l, a);
            if (e > MODEL_MAX_REC || !cur_need(&c, e) || layer_kinds[kind].rec_load(c.p, e, ly))
                return fail(err, name, "layer %u: malformed %s layer record", l, layer_kinds[kind].name);
            ly->kind = (int)kind, ly->act = (int)a, c.p += e;
        }
    } else { /* versions 1 and 2: the sizes, the activations, the cost, the divisor; dense layers, classes */
        if (!cur_need(&c, model_header_len_v2((int)K) - 16)) return fail(err, name, "truncated model header");
        for (uint32_t l = 0; l < K; l++, c.p += 4) N->size[l] = get_le32(c.p);
        for (uint32_t l = 1; l < K; l++, c.p += 4) {
            uint32_t a = get_le32(c.p);
            if (a < 1 || a >= ACT_COUNT || (ver == 1 && a != ACT_SIGMOID))
                return fail(err, name, "layer %u has unknown activation id %u", l, a);
            N->layer[l].act = (int)a, N->layer[l].kind = MODEL_V3_KIND;
        }
        N->task = TASK_CLASSIFY, N->cost = (int)get_le32(c.p), c.p += 4;
        M->in.div = bits_f32(get_le32(c.p)), c.p += 4;
    }
    for (uint32_t l = 0; l < K; l++) /* (before the fields, whose lengths depend on them) */
        if (N->size[l] < 1 || N->size[l] > NN_MAX_WIDTH)
            return fail(err, name, "layer %u has %zu neurons; allowed is 1 to %d", l + 1, N->size[l], NN_MAX_WIDTH);
    if (N->cost < 1 || N->cost >= COST_COUNT || (ver == 1 && N->cost > COST_CROSS_ENTROPY))
        return fail(err, name, "unknown cost id %d", N->cost);
    if ((why = net_check(N, whybuf, sizeof whybuf))) return fail(err, name, "%s", why);
    if (!isfinite(M->in.div) || !(M->in.div > 0)) return fail(err, name, "input divisor is not a positive number");
    M->optimizer = OPT_SGD, M->schedule = SCHED_CONSTANT, M->init = INIT_NORMAL;
    if (ver == 1) {
        if (!cur_need(&c, 24)) return fail(err, name, "truncated model header");
        M->eta = bits_f32(get_le32(c.p)), M->batch = get_le32(c.p + 4), M->epochs = get_le32(c.p + 8);
        M->epochs_done = get_le32(c.p + 12), M->seed = get_le32(c.p + 16) | (uint64_t)get_le32(c.p + 20) << 32;
        M->kept_epoch = M->epochs_done;
        c.p += 24;
    } else {
        uint32_t F, *u[TAG_COUNT];
        float *f[TAG_COUNT];
        if (!cur_need(&c, 4)) return fail(err, name, "truncated model header: no settings fields");
        F = get_le32(c.p), c.p += 4;
        if (F > MODEL_MAX_FIELDS) return fail(err, name, "%u settings fields; the limit is %u", F, MODEL_MAX_FIELDS);
        meta_fields(M, u, f);
        for (uint32_t k = 0; k < F; k++) {
            uint32_t tag, flen, v;
            if (!cur_need(&c, 8)) return fail(err, name, "truncated settings field %u", k + 1);
            tag = get_le32(c.p), flen = get_le32(c.p + 4), c.p += 8;
            if (tag == TAG_NAMES) {
                Cursor f2 = {c.p, c.p + flen};
                uint32_t cnt;
                if (!cur_need(&c, flen) || M->names || cur_u32(&f2, &cnt) || cnt < 1 || cnt > NN_MAX_CLASSES ||
                    !(M->names = calloc(cnt, sizeof *M->names))) {
                    model_meta_free(M);
                    return fail(err, name, "bad class names field");
                }
                M->nnames = cnt;
                for (uint32_t q = 0; q < cnt; q++) {
                    uint32_t l;
                    if (cur_u32(&f2, &l) || !cur_need(&f2, l) || l > NN_MAX_NAME || !(M->names[q] = malloc((size_t)l + 1)) ||
                        memchr(f2.p, 0, l)) {
                        model_meta_free(M);
                        return fail(err, name, "bad class names field");
                    }
                    memcpy(M->names[q], f2.p, l), M->names[q][l] = 0, f2.p += l;
                }
                if (f2.p != f2.end) {
                    model_meta_free(M);
                    return fail(err, name, "bad class names field");
                }
                if (cnt > net_classes(N)) { /* a name for each class at most */
                    model_meta_free(M);
                    return fail(err, name, "%u class names for %zu classes", cnt, net_classes(N));
                }
                c.p += flen;
                continue;
            }
            if (tag == TAG_STANDARDIZE) {
                if (flen != 8 * N->size[0] || M->in.mean || cur_mean_scale(&c, N->size[0], &M->in.mean, &M->in.rsd))
                    return fail(err, name, "bad standardization field");
                continue;
            }
            if (tag == TAG_TABLE) {
                Cursor f2 = {c.p, c.p + flen};
                if (!cur_need(&c, flen) || M->tab.ncol || table_decode(f2, &M->tab)) return fail(err, name, "bad table field");
                c.p += flen;
                continue;
            }
            if (tag == TAG_TARGETS) {
                uint32_t n = cur_need(&c, 4) ? get_le32(c.p) : 0;
                if (n < 1 || n > NN_MAX_WIDTH || flen != 4 + 8 * (uint64_t)n || M->out.n) return fail(err, name, "bad targets field");
                c.p += 4;
                if (cur_mean_scale(&c, n, &M->out.mean, &M->out.sd)) return fail(err, name, "bad targets field");
                M->out.n = n;
                continue;
            }
            if (tag == TAG_AUGMENT) {
                if (flen != 4 || !cur_need(&c, 4) || M->augment) return fail(err, name, "bad augment field");
                M->augment = get_le32(c.p), c.p += 4;
                if (!M->augment || (M->augment & ~(AUG_FLIP | 0xffu)) || (M->augment & 0xff) > NN_MAX_SHIFT)
                    return fail(err, name, "bad augment field");
                continue;
            }
            if (tag == TAG_MEMBERS) {
                if (flen != 4 || !cur_need(&c, 4) || N->members || get_le32(c.p) < 2 || get_le32(c.p) > NN_MAX_MEMBERS)
                    return fail(err, name, "bad ensemble field (2 to %d networks)", NN_MAX_MEMBERS);
                N->members = (int)get_le32(c.p), c.p += 4;
                continue;
            }
            if (tag == TAG_NUMBERED) {
                if (flen != 4 || !cur_need(&c, 4) || M->numbered || get_le32(c.p) != 1) return fail(err, name, "bad numbered-names field");
                M->numbered = 1;
                c.p += 4;
                continue;
            }
            if (tag < 1 || tag >= TAG_COUNT)
                return fail(err, name, "unknown settings field %u (written by a newer nn?)", tag);
            if (flen != 4 || !cur_need(&c, 4)) return fail(err, name, "settings field %u has a bad length", tag);
            v = get_le32(c.p), c.p += 4;
            if (tag == TAG_SEED_LO) M->seed = (M->seed & ~(uint64_t)0xffffffffu) | v;
            else if (tag == TAG_SEED_HI) M->seed = (M->seed & 0xffffffffu) | (uint64_t)v << 32;
            else if (f[tag]) *f[tag] = bits_f32(v);
            else *u[tag] = v;
        }
        if ((why = meta_check(M)) || (why = table_check(N, M))) return fail(err, name, "%s", why);
    }
    if (net_layout(N, err)) return fail(err, name, "%s", err->msg);
    expect = 4 * net_count(N);
    for (int l = 1; l < N->nl; l++) expect += 4 * N->layer[l].ns;
    expect = (size_t)(c.p - buf) + (size_t)net_members(N) * expect + 4;
    if (len != expect)
        return fail(err, name, "model file is %zu bytes; its layer sizes%s need exactly %zu", len,
                    N->members > 1 ? " and ensemble" : "", expect);
    if (!(N->param = alloc_floats2((size_t)net_members(N), N->nparam)))
        return fail(err, name, "out of memory for %zu parameters", (size_t)net_members(N) * N->nparam);
    for (int e = 0; e < net_members(N); e++) {
        Net V = net_member(N, e);
        for (int l = 1; l < V.nl; l++) {
            int r = LK(&V, l)->load(&c, &V.layer[l], NET_W(&V, l), NET_B(&V, l));
            for (size_t i = 0; !r && i < V.layer[l].ns; i++, c.p += 4) /* (the length was checked) */
                if (!isfinite(NET_S(&V, l)[i] = bits_f32(get_le32(c.p)))) r = -3;
            if (r) {
                free(N->param);
                N->param = NULL;
                return fail(err, name, "%slayer %d has a %s that is not a finite number", e ? "an ensemble member's " : "", l,
                            r == -1 ? "weight" : r == -2 ? "bias" : "state value");
            }
        }
    }
    return 0;
}

static int model_save(const char *path, const Net *N, const Meta *M, Err *err)
{
    size_t len;
    uint8_t *buf = model_encode(N, M, &len);
    int rc;
    if (!buf) return fail(err, path, "out of memory encoding the model");
    rc = write_output(path, buf, len, err);
    free(buf);
    return rc;
}

static int model_load(const char *path, Net *N, Meta *M, Err *err)
{
    uint8_t *buf;
    size_t len;
    int rc;
    if (read_all(path, RD_MODEL, &buf, &len, err)) return -1;
    rc = model_decode(buf, len, strcmp(path, "-") ? path : "(stdin)", N, M, err);
    free(buf);
    return rc;
}

/* Format notes: the checkpoint file (`--checkpoint`, `--resume`), version
 * 1.  Little-endian, byte by byte: magic 89 4E 4E 43 0D 0A 1A 0A
 * ("\x89NNC\r\n\x1a\n"), version (4), the `nn train` arguments of the run
 * (count, then length and bytes of each), the training data's rows,
 * features and CRC-32, epochs done, the next mini-batch of the epoch in
 * progress (0 at an epoch's end), mini-batches done before that epoch (8),
 * the shuffling generator's state (4 x 8), the epoch's partial cost (f64),
 * the padded parameter count P (8) and P parameters, the optimiser's
 * states (a count 0-2, then P floats each), the epoch's order of the
 * training rows (rows x 4), the validation state (a flag; the best
 * parameters; best correct count, its cost (f64); epochs since; kept epoch;
 * its accuracy (f64)), the test record (best accuracy f64, its epoch,
 * last accuracy f64), and a CRC-32 of everything before it.  Resuming with
 * it gives the same model, byte for byte, as a run never interrupted. */

#define CKPT_MAX_ARGS 256

typedef struct {
    int argc;
    char **argv;
    uint32_t rows, feats, crc;
    uint32_t epochs_done, batch_next;
    uint64_t step0, rng[4];
    double cost_partial;
    uint64_t nparam;
    float *param, *s1, *s2, *best;
    uint32_t *order;
    uint32_t nstates, has_best, since, saved_epoch, best_epoch_test;
    double best_val, best_cost, val_acc, best_acc, final_acc;
} Ckpt;

static void ckpt_free(Ckpt *c)
{
    for (int k = 0; c->argv && c->argv[k]; k++) free(c->argv[k]); /* (NULL-terminated: a partly read one too) */
    free(c->argv), free(c->param), free(c->s1), free(c->s2), free(c->best), free(c->order);
    memset(c, 0, sizeof *c);
}

/* n floats into a new array (NULL on a short or non-finite read). */
static float *cur_floats(Cursor *c, uint64_t n)
{
    float *p;
    if (n > (uint64_t)(c->end - c->p) / 4 || !(p = alloc_floats((size_t)n))) return NULL;
    for (size_t i = 0; i < n; i++, c->p += 4)
        if (!isfinite(p[i] = bits_f32(get_le32(c->p)))) {
            free(p);
            return NULL;
        }
    return p;
}

static int ckpt_save(const char *path, const Ckpt *k, Err *err)
{
    Buf b = {NULL, 0, 0, 0};
    int rc;
    buf_put(&b, CKPT_MAGIC, 8);
    buf_u32(&b, 1);
    buf_u32(&b, (uint32_t)k->argc);
    for (int a = 0; a < k->argc; a++) {
        buf_u32(&b, (uint32_t)strlen(k->argv[a]));
        buf_put(&b, k->argv[a], strlen(k->argv[a]));
    }
    buf_u32(&b, k->rows), buf_u32(&b, k->feats), buf_u32(&b, k->crc);
    buf_u32(&b, k->epochs_done), buf_u32(&b, k->batch_next), buf_u64(&b, k->step0);
    for (int i = 0; i < 4; i++) buf_u64(&b, k->rng[i]);
    buf_f64(&b, k->cost_partial);
    buf_u64(&b, k->nparam), buf_floats(&b, k->param, k->nparam);
    buf_u32(&b, k->nstates);
    if (k->nstates >= 1) buf_floats(&b, k->s1, k->nparam);
    if (k->nstates >= 2) buf_floats(&b, k->s2, k->nparam);
    for (uint32_t i = 0; i < k->rows; i++) buf_u32(&b, k->order[i]);
    buf_u32(&b, k->has_best);
    if (k->has_best) buf_floats(&b, k->best, k->nparam);
    buf_f64(&b, k->best_val), buf_f64(&b, k->best_cost), buf_u32(&b, k->since), buf_u32(&b, k->saved_epoch);
    buf_f64(&b, k->val_acc), buf_f64(&b, k->best_acc), buf_u32(&b, k->best_epoch_test), buf_f64(&b, k->final_acc);
    buf_u32(&b, b.oom ? 0 : crc32_update(0, b.p, b.n));
    if (b.oom) {
        free(b.p);
        return fail(err, path, "out of memory writing the checkpoint");
    }
    rc = write_output(path, b.p, b.n, err);
    free(b.p);
    return rc;
}

/* Decode a checkpoint file image (buf stays the caller's). */
static int ckpt_decode(const uint8_t *buf, size_t len, const char *path, Ckpt *k, Err *err)
{
    Cursor c;
    uint32_t ver, n;
    int ok = 0;
    const char *why = sniff(RD_CKPT, buf, len, 1);
    memset(k, 0, sizeof *k);
    if (why) return fail(err, path, "%s", why);
    if (len < 16) return fail(err, path, "truncated checkpoint (%zu bytes)", len);
    if ((ver = get_le32(buf + 8)) != 1) return fail(err, path, "checkpoint version %u; this nn reads version 1", ver);
    if (crc32_update(0, buf, len - 4) != get_le32(buf + len - 4))
        return fail(err, path, "checksum mismatch: the checkpoint is corrupted or truncated");
    c.p = buf + 12, c.end = buf + len - 4;
    if (cur_u32(&c, &n) || n > CKPT_MAX_ARGS || !(k->argv = calloc(n + 1, sizeof *k->argv))) goto bad;
    for (k->argc = 0; k->argc < (int)n; k->argc++) {
        uint32_t l;
        if (cur_u32(&c, &l) || !cur_need(&c, l) || !(k->argv[k->argc] = malloc((size_t)l + 1))) goto bad;
        memcpy(k->argv[k->argc], c.p, l), k->argv[k->argc][l] = 0, c.p += l;
        if (strlen(k->argv[k->argc]) != l) goto bad;
    }
    if (cur_u32(&c, &k->rows) || cur_u32(&c, &k->feats) || cur_u32(&c, &k->crc) || cur_u32(&c, &k->epochs_done) ||
        cur_u32(&c, &k->batch_next) || cur_u64(&c, &k->step0))
        goto bad;
    for (int i = 0; i < 4; i++)
        if (cur_u64(&c, &k->rng[i])) goto bad;
    if (cur_f64(&c, &k->cost_partial) || cur_u64(&c, &k->nparam) || k->nparam > (uint64_t)NN_MAX_PARAMS * 2 ||
        !(k->param = cur_floats(&c, k->nparam)) || cur_u32(&c, &k->nstates) || k->nstates > 2)
        goto bad;
    if (k->nstates >= 1 && !(k->s1 = cur_floats(&c, k->nparam))) goto bad;
    if (k->nstates >= 2 && !(k->s2 = cur_floats(&c, k->nparam))) goto bad;
    if (k->rows > NN_MAX_ROWS || !cur_need(&c, (size_t)k->rows * 4) || !(k->order = alloc_array(k->rows, 4))) goto bad;
    for (uint32_t i = 0; i < k->rows; i++) {
        cur_u32(&c, &k->order[i]);
        if (k->order[i] >= k->rows) goto bad;
    }
    if (cur_u32(&c, &k->has_best) || k->has_best > 1 || (k->has_best && !(k->best = cur_floats(&c, k->nparam))))
        goto bad;
    if (cur_f64(&c, &k->best_val) || cur_f64(&c, &k->best_cost) || cur_u32(&c, &k->since) ||
        cur_u32(&c, &k->saved_epoch) || cur_f64(&c, &k->val_acc) || cur_f64(&c, &k->best_acc) ||
        cur_u32(&c, &k->best_epoch_test) || cur_f64(&c, &k->final_acc) || c.p != c.end)
        goto bad;
    ok = 1;
bad:
    if (!ok) {
        ckpt_free(k);
        return fail(err, path, "malformed checkpoint");
    }
    return 0;
}

static int ckpt_load(const char *path, Ckpt *k, Err *err)
{
    uint8_t *buf;
    size_t len;
    int rc;
    if (read_all(path, RD_CKPT, &buf, &len, err)) return -1;
    rc = ckpt_decode(buf, len, path, k, err);
    free(buf);
    return rc;
}

/* CRC-32 of a data set's features and labels: a resumed run must see the
 * same training data. */
static uint32_t data_crc(const Data *d)
{
    uint32_t c = crc32_update(0, d->x8 ? d->x8 : (const uint8_t *)d->xf, d->n * d->d * (d->x8 ? 1 : sizeof(float)));
    c = d->y ? crc32_update(c, (const uint8_t *)d->y, d->n * sizeof(int32_t)) : c;
    return d->t ? crc32_update(c, (const uint8_t *)d->t, d->n * d->nt * sizeof(float)) : c;
}

/* ======================================================================== */
/* @@idx data sets and IDX files                                           */
/* ======================================================================== */

enum { LABEL_NONE = 0, LABEL_LAST = -1, LABEL_AUTO = -2 }; /* or k >= 1: the k-th column */

typedef struct {
    int label_col; /* LABEL_*, or k >= 1 the k-th column */
    int sep;       /* 0 detect, else ',', ';', '\t' or ' ' (whitespace) */
    int decimal;   /* 0 auto (a point; a comma in a ';' file whose numbers have one), '.' or ',' (--decimal) */
    char *const *names; /* class names to map labels onto (NULL: numbers, or new names) */
    size_t nnames;
    int numbered;  /* the labels must be numbers: the model's classes are */
    int header;    /* -1 detect, 0 no, 1 yes */
    int quiet;     /* no notices on stderr (a header skipped, a label column chosen) */
    int quiet_label; /* no notice of a label column chosen in the usual way (predict, show: no label wanted) */
    const char *label_name; /* --label-col NAME: the label column by its header name */
    const char *target;     /* --target COL[,COL...]: a regression on these columns */
    const char *ignore;     /* --ignore COL[,COL...] */
    const char *category;   /* --category COL[,COL...]: one-hot whatever their values */
    int missing;            /* MISS_* (0: not given, mean) */
    int may_table;          /* training: read the file as a table when its features need it */
    int row_names;          /* --row-names feature: a row-names column is a feature (0: left out) */
    const Table *tab;       /* a model's table: rows are read through it */
    int want_lt;            /* (set by the loader) the label or target columns must be there */
    int hash_data;          /* (set by the table readers) after the header a '#' line is a row, not a comment */
    int task;               /* TASK_* a model's labels are for (NumPy labels: floats are class labels or targets), 0 training decides */
    const char *array;      /* FILE.npz:NAME: the features array to read (set by load_data), or NULL */
    const char *labels_opt; /* the option that gives this data's labels file, for messages (NULL: --labels) */
    char *const *number_names; /* a model's names of its numbered classes (--class-names): labels may be them */
    size_t nnumber_names;
    int no_colnames;        /* a model that knows no column names reads the rows: a line of numbers is data */
    int flat;               /* a network that takes no images reads the rows: a NumPy array of images is flattened as it is */
    int all_rows;           /* a model's table: the label or target columns not read, so no row is left out for lack of one */
    char *const *class_names; /* predict: the model's classes (NULL: numbered), whose labels rows read by position may hold */
    size_t nclasses;          /* ...and how many (0: a regression) */
    int fill_later;           /* training: a missing number is read as NaN, filled by fill_missing from the training rows alone */
    const InputMap *in;       /* a model's input map (its standardisation), for shift_check; or NULL */
} CsvOpt;

static void data_free(Data *d)
{
    names_free(d->names, d->nclass);
    table_free(&d->tab);
    free(d->lineno);
    free(d->rowno);
    free(d->own_x);
    free(d->own_y);
    free(d->own_t);
    memset(d, 0, sizeof *d);
}

/* Add a sentence to what the loader says (d->note). */
static void note_more(Data *d, const char *fmt, ...)
{
    size_t k = strlen(d->note);
    va_list ap;
    if (k && k + 2 < sizeof d->note) memcpy(d->note + k, "; ", 3), k += 2;
    va_start(ap, fmt);
    if (k < sizeof d->note) vsnprintf(d->note + k, sizeof d->note - k, fmt, ap);
    va_end(ap);
}

/* A warning when d's values are far smaller than what the model divides
 * its inputs by (features already scaled to 0..1 given to a model trained
 * on bytes, say): nn would scale them a second time. */
/* The largest |value| of d's features (bytes: their real largest). */
static float data_max(const Data *d)
{
    float mx = d->maxabs;
    if (d->x8) {
        mx = 0;
        for (size_t i = 0, cnt = d->n * d->d; i < cnt; i++) mx = d->x8[i] > mx ? d->x8[i] : mx;
    }
    return mx;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* A table's column this many training deviations off (its mean or its
 * spread), where the others are not: a warning naming it. */
#ifndef NN_SCALE_COLUMN
#define NN_SCALE_COLUMN 50
#endif

/* The median of v (n > 0), which is sorted. */
static double median(double *v, size_t n)
{
    qsort(v, n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* Values far off the scale of the training data: a warning, since the
 * answers would be wrong and nothing else would say so.  x holds n rows
 * (stride ld) of d raw features, as read (a table's encoded, before the
 * input map); name is the data's, mpath the model's.  Without stored means
 * the largest value is judged against the divisor (mx: the largest of all
 * rows, when known, else that of these); with them, each feature's mean
 * distance from the training mean and its spread, in training deviations
 * (about 1 for data like the training data). */
static void scale_check(const float *x, size_t n, size_t ld, size_t d, const InputMap *in, const Table *tab, float mx,
                        const char *name, const char *mpath)
{
    float div = in->div;
    if (!n || !d) return;
    if (!in->mean) {
        if (mx < 0)
            for (size_t r = 0; r < n; r++)
                for (size_t i = 0; i < d; i++) mx = fabsf(x[r * ld + i]) > mx ? fabsf(x[r * ld + i]) : mx;
        if (mx <= 0) return; /* (a dark row says nothing) */
        if (div >= 2 && mx * 20 < div)
            say("warning: %s: its values go up to %g, but %s divides its inputs by %g, as its training data needed: "
                "were these scaled already? (give them in the training data's units)", name, (double)mx, mpath, (double)div);
        else if (mx > 20 * div)
            say("warning: %s: its values go up to %g, but %s divides its inputs by %g, as its training data needed: "
                "were those scaled before training? (give these in the training data's units)", name, (double)mx, mpath, (double)div);
        return;
    }
    double *f = malloc(2 * d * sizeof *f), *g = f ? f + d : NULL, far, spread = 1, worst_far = -1, widest = -1;
    size_t ng = 0, nf = 0, worst = 0, wide = 0;
    size_t *col = tab && tab->ncol ? malloc(d * sizeof *col) : NULL; /* a table's: the column of each input */
    if (!f || (tab && tab->ncol && !col)) {
        free(f), free(col);
        return;
    }
    for (size_t i = 0; col && i < d; i++) col[i] = SIZE_MAX; /* (a category's one-hot inputs have no units to judge) */
    for (size_t c = 0, off = 0; col && c < tab->ncol; c++) {
        if (tab->col[c].kind == COL_NUMBER && off < d) col[off] = c;
        off += tab->col[c].kind == COL_NUMBER ? 1 : tab->col[c].kind == COL_CATEGORY ? tab->col[c].ncat : 0;
    }
    for (size_t i = 0; i < d; i++) {
        double s1 = 0, s2 = 0, rsd = in->rsd[i];
        if (col && col[i] == SIZE_MAX) continue;
        for (size_t r = 0; r < n; r++) {
            double z = ((double)x[r * ld + i] / div - in->mean[i]) * rsd;
            s1 += z, s2 += z * z;
        }
        f[nf] = fabs(s1 / (double)n);
        if (f[nf] > worst_far) worst_far = f[nf], worst = i;
        nf++;
        if (n >= 10) {
            double v = s2 / (double)n - (s1 / (double)n) * (s1 / (double)n);
            if (v > 0) g[ng++] = sqrt(v);
            if (v > 0 && sqrt(v) > widest) widest = sqrt(v), wide = i;
        }
    }
    if (!nf) {
        free(f), free(col);
        return;
    }
    far = median(f, nf);
    if (ng >= (nf + 1) / 2) spread = median(g, ng); /* (columns that do not vary here: no spread to judge) */
    free(f);
    if (far > 20)
        say("warning: %s: its values lie %.3g training deviations from %s's training means (the median over the inputs; the "
            "farthest, input %zu: %.3g; data like the training data: about 1 or less): are they in other units, or scaled "
            "differently? (give them in the training data's units)", name, far, mpath, worst + 1, worst_far);
    else if (spread > 20 || spread < 0.05)
        say("warning: %s: its values spread %.3g times as widely as %s's training data did (the median over the inputs): are "
            "they in other units, or scaled differently? (give them in the training data's units)", name, spread, mpath);
    else if (col && (worst_far > NN_SCALE_COLUMN || widest > NN_SCALE_COLUMN)) { /* one column of a table in other units */
        size_t i = worst_far > NN_SCALE_COLUMN ? worst : wide;
        const char *cn = tab->col[col[i]].name;
        say("warning: %s: column %s%s%s%zu%s %s %.3g training deviations %s (data like the training data: about 1 or "
            "less): is it in other units, or scaled differently? (give it in the training data's units)", name,
            cn ? "'" : "", cn ? cn : "", cn ? "' (" : "", col[i] + 1, cn ? ")" : "",
            i == worst && worst_far > NN_SCALE_COLUMN ? "lies" : "spreads",
            i == worst && worst_far > NN_SCALE_COLUMN ? worst_far : widest,
            i == worst && worst_far > NN_SCALE_COLUMN ? "from its training mean" : "wide (its training data: 1)");
    }
    free(col);
}

#define NN_SCALE_ROWS 1000 /* rows a scale check looks at */

static void scale_warning(const Data *d, const InputMap *in, const Table *tab, const char *mpath)
{
    size_t n = d->n < NN_SCALE_ROWS ? d->n : NN_SCALE_ROWS;
    float *x;
    if (!d->n || !d->d) return;
    if (!in->mean) { /* the largest of all rows */
        float mx = data_max(d);
        if (!d->is_table && !(d->x8 && mx * 20 < in->div)) /* (a table's are its columns' own; dark bytes were not scaled) */
            scale_check(&mx, 1, 1, 1, in, NULL, mx, d->name, mpath);
        return;
    }
    if (d->xf) {
        scale_check(d->xf, n, d->d, d->d, in, tab, -1, d->name, mpath);
        return;
    }
    if (!(x = malloc(n * d->d * sizeof *x))) return;
    for (size_t i = 0; i < n * d->d; i++) x[i] = d->x8[i];
    scale_check(x, n, d->d, d->d, in, tab, -1, d->name, mpath);
    free(x);
}

/* Format notes: IDX (the MNIST format).  A big-endian header: two zero
 * bytes, a type byte (0x08 unsigned byte, 0x09 signed byte, 0x0B 16-bit and
 * 0x0C 32-bit signed integers, 0x0D float, 0x0E double, all big-endian),
 * the number of dimensions D,
 * then D 32-bit big-endian sizes; then the items, row-major.  Images are
 * rank >= 2 (N items, each the product of the other sizes); labels rank 1.
 * The file length must be exactly header + product of sizes. */

/* Bytes per element of IDX type t, or 0 for an unknown type. */
static size_t idx_size(int t)
{
    switch (t) {
    case 0x08: case 0x09: return 1;
    case 0x0B: return 2;
    case 0x0C: case 0x0D: return 4;
    case 0x0E: return 8;
    default: return 0;
    }
}

/* Parse an IDX header; on success *dims holds D sizes and *data points at
 * the payload, whose exact length has been checked. */
static int idx_header(const uint8_t *buf, size_t len, const char *name, uint32_t *dims, int *nd,
                      const uint8_t **data, Err *err)
{
    size_t count = 1, need, es = idx_size(len >= 3 ? buf[2] : 0);
    int D;
    if (len < 4) return fail(err, name, "truncated IDX header (%zu bytes)", len);
    if (buf[0] || buf[1]) return fail(err, name, "not an IDX file (bad magic number)");
    if (!es)
        return fail(err, name, "IDX element type 0x%02X is unknown (0x08 u8, 0x09 i8, 0x0B i16, 0x0C i32, 0x0D f32, 0x0E f64)", buf[2]);
    D = buf[3];
    if (D < 1 || D > 8) return fail(err, name, "IDX file has %d dimensions; allowed is 1 to 8", D);
    if (len < 4 + 4 * (size_t)D) return fail(err, name, "truncated IDX header (%zu bytes for %d dimensions)", len, D);
    for (int k = 0; k < D; k++) {
        dims[k] = get_be32(buf + 4 + 4 * k);
        if (mul_ok(count, dims[k], &count) || count > NN_MAX_FILE / es)
            return fail(err, name, "IDX dimensions are too large (the limit is %zu bytes)", NN_MAX_FILE);
    }
    need = 4 + 4 * (size_t)D + count * es;
    if (len != need)
        return fail(err, name, "IDX header says %zu bytes of data, but the file has %zu (%s)", count * es,
                    len - (4 + 4 * (size_t)D), len < need ? "truncated" : "trailing bytes");
    *nd = D;
    *data = buf + 4 + 4 * (size_t)D;
    return 0;
}

/* Element i of IDX data of type t (big-endian), as a double. */
static double idx_value(const uint8_t *p, int t, size_t i)
{
    switch (t) {
    case 0x09: return (double)(int8_t)p[i];
    case 0x0B: return (double)(int16_t)(uint16_t)(p[2 * i] << 8 | p[2 * i + 1]);
    case 0x0C: return (double)(int32_t)get_be32(p + 4 * i);
    case 0x0D: return (double)bits_f32(get_be32(p + 4 * i));
    case 0x0E: {
        uint64_t u = (uint64_t)get_be32(p + 8 * i) << 32 | get_be32(p + 8 * i + 4);
        double v;
        memcpy(&v, &u, 8);
        return v;
    }
    default: return (double)p[i];
    }
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
    memset(d, 0, sizeof *d);
    if (idx_header(buf, len, name, dims, &D, &p, err)) return -1;
    if (D < 2) return fail(err, name, "IDX file has 1 dimension; an images file needs 2 or more (is it a labels file?)");
    for (int k = 1; k < D; k++) feat *= dims[k];
    if (feat == 0 || feat > NN_MAX_WIDTH)
        return fail(err, name, "IDX items have %zu values each; allowed is 1 to %d", feat, NN_MAX_WIDTH);
    if (dims[0] > NN_MAX_ROWS) return fail(err, name, "IDX file has %u items; the limit is %d", dims[0], NN_MAX_ROWS);
    if (dims[0] == 0) return fail(err, name, "IDX file has no items");
    d->n = dims[0], d->d = feat;
    if (D == 3) d->shape[0] = 1, d->shape[1] = dims[1], d->shape[2] = dims[2];
    if (D == 4) d->shape[0] = dims[3], d->shape[1] = dims[1], d->shape[2] = dims[2]; /* items x H x W x C: channel-last, as nn reads rows */
    snprintf(d->name, sizeof d->name, "%s", name);
    if (buf[2] == 0x08) { /* bytes stay bytes: converted per mini-batch */
        d->x8 = p, d->own_x = buf, d->maxabs = 255;
        return 0;
    } else { /* other types become floats */
        size_t cnt = d->n * d->d;
        float *x = alloc_array(cnt, sizeof(float));
        if (!x) return fail(err, name, "out of memory for %zu values", cnt);
        d->maxabs = 0;
        for (size_t i = 0; i < cnt; i++) {
            x[i] = (float)idx_value(p, buf[2], i);
            if (!isfinite(x[i])) {
                free(x);
                return fail(err, name, "item %zu, value %zu is not a finite float", i / d->d, i % d->d);
            }
            if (fabsf(x[i]) > d->maxabs) d->maxabs = fabsf(x[i]);
        }
        free(buf);
        d->xf = x, d->own_x = x;
        return 0;
    }
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
        double v = idx_value(p, buf[2], i);
        if (!(v >= 0 && v < NN_MAX_CLASSES && v == floor(v))) {
            free(d->own_y);
            d->y = d->own_y = NULL;
            return fail(err, name, "label %zu is %g, not a whole number from 0 to %d", i, v, NN_MAX_CLASSES - 1);
        }
        d->y[i] = (int32_t)v;
        if ((size_t)v + 1 > d->nclass) d->nclass = (size_t)v + 1;
    }
    return 0;
}

/* ======================================================================== */
/* @@npy NumPy .npy and .npz                                               */
/* ======================================================================== */

/* Format notes: NumPy .npy (numpy/lib/format.py).  The magic "\x93NUMPY",
 * a version byte pair (1.0, 2.0 or 3.0), the header's length (2 bytes
 * little-endian in 1.0, 4 in 2.0 and 3.0), then the header: a Python dict
 * literal {'descr': '<f4', 'fortran_order': False, 'shape': (60000, 784), }
 * padded with spaces to a newline; then the elements, count x itemsize
 * bytes and nothing after.  descr is a byte order ('<' little, '>' big,
 * '|' not applicable, '=' native) and a type: b1 (bool), i1 i2 i4 i8,
 * u1 u2 u4 u8, f4 f8 -- the ones nn reads.  Fortran order is read by
 * copying the elements into C order.
 *
 * .npz (numpy.savez, savez_compressed) is a zip archive of .npy files,
 * one an array, each entry stored or deflated.  nn reads the central
 * directory at the end (with zip64's records, which NumPy always writes
 * for its entries, whenever a field says 0xFFFF or 0xFFFFFFFF), checks that
 * each local header agrees, inflates with the inflater of @@gzip and checks
 * the CRC-32 and the length. */

#define NPY_MAXD 8

typedef struct {
    char type;      /* 'b' bool, 'i' signed, 'u' unsigned, 'f' float */
    int es, big;    /* bytes an element; big-endian */
    int fortran;
    int nd;
    size_t dim[NPY_MAXD];
    size_t count;   /* elements */
    const uint8_t *p; /* the elements, C order once npy_c_order ran */
    char descr[64];
} Npy;

static int looks_npy(const uint8_t *b, size_t n) { return n >= 1 && !memcmp(b, "\x93NUMPY", n < 6 ? n : 6); } /* (a shorter file: truncated) */
static int looks_zip(const uint8_t *b, size_t n)
{
    return n >= 4 && b[0] == 'P' && b[1] == 'K' && ((b[2] == 3 && b[3] == 4) || (b[2] == 5 && b[3] == 6));
}

/* The header dict's parser: a cursor over [p, e). */
typedef struct {
    const char *p, *e;
} Lit;

static void lit_space(Lit *c)
{
    while (c->p < c->e && (*c->p == ' ' || *c->p == '\t' || *c->p == '\n' || *c->p == '\r')) c->p++;
}

/* A quoted string (' or ", no escapes) into out; 0 or -1. */
static int lit_string(Lit *c, char *out, size_t n)
{
    char q;
    size_t k = 0;
    lit_space(c);
    if (c->p >= c->e || (*c->p != '\'' && *c->p != '"')) return -1;
    q = *c->p++;
    while (c->p < c->e && *c->p != q) {
        if (*c->p == '\\' || k + 1 >= n) return -1;
        out[k++] = *c->p++;
    }
    if (c->p >= c->e) return -1;
    c->p++, out[k] = 0;
    return 0;
}

static int lit_word(Lit *c, const char *w)
{
    size_t n = strlen(w);
    lit_space(c);
    if ((size_t)(c->e - c->p) < n || memcmp(c->p, w, n)) return -1;
    c->p += n;
    return 0;
}

/* Parse a dtype string into a; NULL or why it is not read. */
static const char *npy_dtype(const char *s, Npy *a)
{
    char order = '=';
    size_t es;
    snprintf(a->descr, sizeof a->descr, "%s", s);
    if (*s == '<' || *s == '>' || *s == '|' || *s == '=') order = *s++;
    if (*s == 'f' && s[1] == '2' && !s[2]) return "float16 is not read (save it as float32: a.astype(np.float32))";
    if ((*s == 'U' || *s == 'S') && s[1] >= '1' && s[1] <= '9' && strlen(s) <= 5) { /* text: class names (labels only) */
        size_t w = (size_t)strtoul(s + 1, NULL, 10);
        if (strspn(s + 1, "0123456789") != strlen(s + 1)) return "not a type nn reads";
        a->type = *s, a->es = (int)(*s == 'U' ? 4 * w : w), a->big = order == '>';
        return NULL;
    }
    if (!*s || !strchr("biuf", *s) || s[1] < '1' || s[1] > '8' || s[2]) {
        if (*s == 'O')
            return "Python objects are not read (pandas' to_numpy() of mixed columns gives them): convert numbers with a.astype(np.float32); "
                   "class names are read as a string array, y.astype(str)";
        return "not a type nn reads (bool, int8/16/32/64, uint8/16/32/64, float32, float64)";
    }
    a->type = *s, es = (size_t)(s[1] - '0');
    if (es != 1 && es != 2 && es != 4 && es != 8) return "not a type nn reads (bool, int8/16/32/64, uint8/16/32/64, float32, float64)";
    if ((a->type == 'b' && es != 1) || (a->type == 'f' && es != 4 && es != 8))
        return "not a type nn reads (bool, int8/16/32/64, uint8/16/32/64, float32, float64)";
    a->es = (int)es, a->big = order == '>';
    return NULL;
}

/* Parse an .npy file image's header; a->p points at its elements, whose
 * exact length has been checked. */
static int npy_header(const uint8_t *b, size_t len, const char *name, Npy *a, Err *err)
{
    size_t hl, off, bytes;
    int seen = 0;
    Lit c;
    char key[32], val[64];
    memset(a, 0, sizeof *a);
    if (!looks_npy(b, len)) return fail(err, name, "not a NumPy .npy file (bad magic)");
    if (len < 10) return fail(err, name, "truncated NumPy header (%zu bytes)", len);
    if (b[6] < 1 || b[6] > 3 || b[7] != 0)
        return fail(err, name, "NumPy format version %d.%d is unknown (1.0, 2.0 and 3.0 are read)", b[6], b[7]);
    if (b[6] == 1) hl = (size_t)b[8] | (size_t)b[9] << 8, off = 10;
    else if (len < 12) return fail(err, name, "truncated NumPy header (%zu bytes)", len);
    else hl = get_le32(b + 8), off = 12;
    if (hl > len - off) return fail(err, name, "the NumPy header says it is %zu bytes, past the end of the file (%zu bytes)", hl, len);
    c.p = (const char *)b + off, c.e = c.p + hl;
    if (lit_word(&c, "{")) return fail(err, name, "NumPy header is not a dict literal");
    for (;;) {
        lit_space(&c);
        if (c.p < c.e && *c.p == '}') break;
        if (lit_string(&c, key, sizeof key) || lit_word(&c, ":"))
            return fail(err, name, "NumPy header: cannot read it at byte %zu", (size_t)(c.p - (const char *)b));
        if (!strcmp(key, "descr")) {
            const char *why;
            lit_space(&c);
            if (c.p < c.e && *c.p == '[') return fail(err, name, "a structured array (records) is not read: save a plain numeric array");
            if (lit_string(&c, val, sizeof val)) return fail(err, name, "NumPy header: 'descr' is not a dtype string");
            if ((why = npy_dtype(val, a))) return fail(err, name, "dtype '%s': %s", val, why);
            seen |= 1;
        } else if (!strcmp(key, "fortran_order")) {
            if (!lit_word(&c, "True")) a->fortran = 1;
            else if (lit_word(&c, "False")) return fail(err, name, "NumPy header: 'fortran_order' is not True or False");
            seen |= 2;
        } else if (!strcmp(key, "shape")) {
            if (lit_word(&c, "(")) return fail(err, name, "NumPy header: 'shape' is not a tuple");
            for (;;) {
                size_t v = 0;
                lit_space(&c);
                if (c.p < c.e && *c.p == ')') break;
                if (c.p >= c.e || *c.p < '0' || *c.p > '9') return fail(err, name, "NumPy header: 'shape' is not a tuple of whole numbers");
                while (c.p < c.e && *c.p >= '0' && *c.p <= '9') {
                    if (v > (SIZE_MAX - 9) / 10) return fail(err, name, "NumPy header: a dimension of 'shape' is too large");
                    v = v * 10 + (size_t)(*c.p++ - '0');
                }
                while (c.p < c.e && *c.p == 'L') c.p++; /* (Python 2's longs) */
                if (a->nd == NPY_MAXD) return fail(err, name, "the array has more than %d dimensions", NPY_MAXD);
                a->dim[a->nd++] = v;
                lit_space(&c);
                if (c.p < c.e && *c.p == ',') c.p++;
                else if (c.p >= c.e || *c.p != ')') return fail(err, name, "NumPy header: 'shape' is not a tuple of whole numbers");
            }
            c.p++;
            seen |= 4;
        } else {
            return fail(err, name, "NumPy header: unknown key '%s'", key);
        }
        lit_space(&c);
        if (c.p < c.e && *c.p == ',') c.p++;
    }
    if (seen != 7) return fail(err, name, "NumPy header lacks '%s'", !(seen & 1) ? "descr" : !(seen & 2) ? "fortran_order" : "shape");
    a->count = 1;
    for (int k = 0; k < a->nd; k++)
        if (mul_ok(a->count, a->dim[k], &a->count)) return fail(err, name, "the array's shape is too large (its size overflows)");
    if (mul_ok(a->count, (size_t)a->es, &bytes) || bytes > NN_MAX_FILE)
        return fail(err, name, "the array's shape is too large (the limit is %zu bytes)", NN_MAX_FILE);
    if (bytes != len - off - hl)
        return fail(err, name, "the header's shape and dtype make %zu bytes of data, but the file has %zu (%s)", bytes, len - off - hl,
                    bytes > len - off - hl ? "truncated" : "trailing bytes");
    a->p = b + off + hl;
    return 0;
}

/* Element i of a (in its memory order) as a double. */
static double npy_value(const Npy *a, size_t i)
{
    const uint8_t *q = a->p + i * (size_t)a->es;
    uint64_t u = 0;
    double v;
    for (int k = 0; k < a->es; k++) u |= (uint64_t)q[a->big ? a->es - 1 - k : k] << (8 * k);
    switch (a->type) {
    case 'b': return u != 0;
    case 'u': return (double)u;
    case 'i':
        if (a->es < 8 && (u >> (8 * a->es - 1) & 1)) u |= ~(uint64_t)0 << (8 * a->es);
        return (double)(int64_t)u;
    default:
        if (a->es == 4) return (double)bits_f32((uint32_t)u);
        memcpy(&v, &u, 8);
        return v;
    }
}

/* A Fortran-order array copied into C order (*own, to be freed); a->p
 * points at the copy.  Nothing to do for a C-order one. */
static int npy_c_order(Npy *a, uint8_t **own, const char *name, Err *err)
{
    size_t idx[NPY_MAXD] = {0}, fst[NPY_MAXD], es = (size_t)a->es, off = 0;
    uint8_t *o;
    *own = NULL;
    if (!a->fortran || a->nd < 2 || !a->count) return 0;
    if (!(o = malloc(a->count * es))) return fail(err, name, "out of memory");
    for (int k = 0; k < a->nd; k++) fst[k] = k ? fst[k - 1] * a->dim[k - 1] : 1;
    for (size_t i = 0; i < a->count; i++) { /* idx counts in C order; off is its Fortran offset */
        memcpy(o + i * es, a->p + off * es, es);
        for (int k = a->nd - 1; k >= 0; k--) {
            off += fst[k];
            if (++idx[k] < a->dim[k]) break;
            off -= fst[k] * a->dim[k], idx[k] = 0;
        }
    }
    a->p = o, a->fortran = 0;
    *own = o;
    return 0;
}

/* The features of d from array a (rows: its first dimension), which lives
 * in the buffer `owner` (taken over, as a loader's buf).  uint8 stays as
 * bytes; bool becomes bytes 0 and 1; the rest floats.  Rank 3 arrays are
 * grey images (n, H, W); rank 4 images with their channels last (n, H, W,
 * C) as nn reads them, or first (n, C, H, W, PyTorch's order, C <= 4 and
 * W > 4), then moved last, said on stderr; but for a network that takes
 * no images (co->flat) every array is a row flattened in C order, as
 * NumPy's reshape(n, -1). */
static int npy_features(Npy *a, uint8_t *owner, const char *name, const CsvOpt *co, Data *d, Err *err)
{
    uint8_t *copy;
    int chw;
    size_t n, feat = 1;
    if (a->nd < 1) {
        free(owner);
        return fail(err, name, "the array is a single value (shape ()); nn reads rows: shape (rows, features...)");
    }
    if (a->type == 'U' || a->type == 'S') {
        free(owner);
        return fail(err, name, "dtype '%s': text is read as class labels, not as features (convert numbers with a.astype(np.float32))", a->descr);
    }
    n = a->dim[0];
    for (int k = 1; k < a->nd; k++) feat *= a->dim[k]; /* (count did not overflow) */
    if (n > NN_MAX_ROWS || (n && (feat == 0 || feat > NN_MAX_WIDTH))) {
        free(owner);
        if (n > NN_MAX_ROWS) return fail(err, name, "the array has %zu rows; the limit is %d", n, NN_MAX_ROWS);
        return fail(err, name, "the array's rows have %zu values each; allowed is 1 to %d", feat, NN_MAX_WIDTH);
    }
    if (npy_c_order(a, &copy, name, err)) {
        free(owner);
        return -1;
    }
    if (copy) free(owner), owner = copy;
    if (a->nd == 1) note_more(d, "%.400s: a 1-D array, read as %zu rows of one feature each", name, n);
    chw = a->nd == 4 && a->dim[3] > 4 && a->dim[1] <= 4 && !co->flat;
    d->n = n, d->d = feat;
    if (a->nd == 3) d->shape[0] = 1, d->shape[1] = a->dim[1], d->shape[2] = a->dim[2];
    if (a->nd == 4 && !chw) d->shape[0] = a->dim[3], d->shape[1] = a->dim[1], d->shape[2] = a->dim[2];
    if (chw) {
        d->shape[0] = a->dim[1], d->shape[1] = a->dim[2], d->shape[2] = a->dim[3];
        snprintf(d->note, sizeof d->note, "%.400s: images of shape (%zu, %zu, %zu) read as channels x height x width, their channels moved last "
                 "(nn's order: pixel by pixel)", name, a->dim[1], a->dim[2], a->dim[3]);
    }
    snprintf(d->name, sizeof d->name, "%s", name);
    if (a->type == 'u' && a->es == 1 && !chw) { /* bytes stay bytes, as IDX images (scaled by 255) */
        d->x8 = a->p, d->own_x = owner, d->maxabs = 255;
        return 0;
    } else {
        size_t cnt = n * feat, C = chw ? a->dim[1] : 1, HW = chw ? a->dim[2] * a->dim[3] : 1;
        float *x = alloc_array(cnt, sizeof(float));
        if (!x) {
            free(owner);
            return fail(err, name, "out of memory for %zu values", cnt);
        }
        d->maxabs = 0;
        for (size_t i = 0; i < cnt; i++) {
            size_t o = i;
            if (chw) { /* element (r, c, p) goes to (r, p, c) */
                size_t r = i / feat, c = i % feat / HW, p = i % HW;
                o = r * feat + p * C + c;
            }
            x[o] = (float)npy_value(a, i);
            if (!isfinite(x[o])) {
                fail(err, name, "row %zu, column %zu (from 0) is %s", i / feat, i % feat,
                     isfinite(npy_value(a, i)) ? "too large for a float" : "not a finite number (NaN or infinity): NumPy arrays have no "
                     "missing values, fill them first (np.nan_to_num, or pandas' fillna)");
                free(x), free(owner);
                return -1;
            }
            if (fabsf(x[o]) > d->maxabs) d->maxabs = fabsf(x[o]);
        }
        free(owner);
        d->xf = x, d->own_x = x;
        return 0;
    }
}

/* Why the (n, k) labels of a are not one-hot: the first row that is not,
 * as text in buf. */
static const char *onehot_why(const Npy *a, size_t n, size_t k, char *buf, size_t cap)
{
    for (size_t i = 0; i < n; i++) {
        size_t ones = 0;
        for (size_t j = 0; j < k; j++) {
            double v = npy_value(a, i * k + j);
            if (v != 0 && v != 1) {
                snprintf(buf, cap, "row %zu has %.9g", i, v);
                return buf;
            }
            ones += v == 1;
        }
        if (ones != 1) {
            snprintf(buf, cap, "row %zu has %zu ones", i, ones);
            return buf;
        }
    }
    snprintf(buf, cap, "it has no rows");
    return buf;
}

/* Class names found in training data, sorted (byte order, as R sorts
 * factor levels in the C locale and scikit-learn its classes), and the
 * labels y[0..rows) renumbered to match: so that the classes, "class 1" of
 * a binary model and its --threshold, do not depend on the order of the
 * rows. */
static int sort_classes(char **names, size_t n, int32_t *y, size_t rows)
{
    size_t *ord = alloc_array(n ? n : 1, sizeof *ord), *pos = alloc_array(n ? n : 1, sizeof *pos);
    char **tmp = alloc_array(n ? n : 1, sizeof *tmp);
    if (!ord || !pos || !tmp) {
        free(ord), free(pos), free(tmp);
        return -1;
    }
    for (size_t i = 0; i < n; i++) ord[i] = i;
    for (size_t i = 1; i < n; i++) /* (insertion: at most NN_MAX_CLASSES names, mostly few) */
        for (size_t j = i; j > 0 && strcmp(names[ord[j - 1]], names[ord[j]]) > 0; j--) {
            size_t t = ord[j];
            ord[j] = ord[j - 1], ord[j - 1] = t;
        }
    for (size_t i = 0; i < n; i++) pos[ord[i]] = i, tmp[i] = names[ord[i]];
    memcpy(names, tmp, n * sizeof *names);
    for (size_t r = 0; r < rows; r++) y[r] = (int32_t)pos[y[r]];
    free(ord), free(pos), free(tmp);
    return 0;
}

/* Text labels (a '<U' or '|S' array: class names) into d->y and
 * d->names: the classes sorted (sort_classes), or the model's (o->names),
 * which every label must be one of. */
static int npy_text_labels(const Npy *a, const char *name, const CsvOpt *o, Data *d, Err *err)
{
    size_t n = a->dim[0], w = a->type == 'U' ? (size_t)a->es / 4 : (size_t)a->es, nnames = 0, cap = 0;
    char *t = malloc(4 * w + 1), **names = NULL;
    int ok = 1;
    if (!t || !(d->y = d->own_y = alloc_array(n, sizeof(int32_t)))) {
        free(t);
        return fail(err, name, "out of memory");
    }
    if (o->names) {
        names = names_dup(o->names, o->nnames, &ok), nnames = cap = o->nnames;
        if (!ok) names = NULL, nnames = 0;
    }
    for (size_t i = 0; ok && i < n; i++) {
        const uint8_t *p = a->p + i * (size_t)a->es;
        size_t len = 0;
        long k = -1;
        if (a->type == 'S') {
            while (len < w && p[len]) len++;
            memcpy(t, p, len);
            for (size_t c = len; c < w; c++)
                if (p[c]) {
                    fail(err, name, "label %zu has a NUL byte inside (at %zu): names cannot hold one", i, len);
                    goto bad;
                }
        } else { /* UTF-32 code points into UTF-8 */
            for (size_t c = 0; c < w; c++) {
                uint32_t u = a->big ? get_be32(p + 4 * c) : get_le32(p + 4 * c);
                if (!u) {
                    for (size_t e = c + 1; e < w; e++)
                        if (get_le32(p + 4 * e)) {
                            fail(err, name, "label %zu has a NUL character inside (at %zu): names cannot hold one", i, c);
                            goto bad;
                        }
                    break;
                }
                if (u > 0x10FFFF || (u >= 0xD800 && u <= 0xDFFF)) {
                    fail(err, name, "label %zu: character %zu is not a Unicode code point", i, c);
                    goto bad;
                }
                if (u < 0x80) t[len++] = (char)u;
                else if (u < 0x800) t[len++] = (char)(0xC0 | u >> 6), t[len++] = (char)(0x80 | (u & 0x3F));
                else if (u < 0x10000) t[len++] = (char)(0xE0 | u >> 12), t[len++] = (char)(0x80 | (u >> 6 & 0x3F)), t[len++] = (char)(0x80 | (u & 0x3F));
                else t[len++] = (char)(0xF0 | u >> 18), t[len++] = (char)(0x80 | (u >> 12 & 0x3F)), t[len++] = (char)(0x80 | (u >> 6 & 0x3F)), t[len++] = (char)(0x80 | (u & 0x3F));
            }
        }
        t[len] = 0;
        for (size_t j = 0; j < nnames && k < 0; j++)
            if (!strcmp(names[j], t)) k = (long)j;
        if (k < 0 && o->names) {
            fail(err, name, "label %zu, '%.60s', is not one of the %zu classes the model knows", i, t, nnames);
            goto bad;
        }
        if (k < 0) {
            if (nnames == NN_MAX_CLASSES) {
                fail(err, name, "more than %d class names", NN_MAX_CLASSES);
                goto bad;
            }
            if (nnames == cap) {
                char **nn = realloc(names, (cap = cap ? 2 * cap : 16) * sizeof *nn);
                if (!nn) {
                    ok = 0;
                    break;
                }
                names = nn;
            }
            if (!(names[nnames] = malloc(len + 1))) {
                ok = 0;
                break;
            }
            memcpy(names[nnames], t, len + 1);
            k = (long)nnames++;
        }
        d->y[i] = (int32_t)k;
    }
    if (!ok || (n && !names) || (!o->names && sort_classes(names, nnames, d->y, n))) {
        fail(err, name, "out of memory");
        goto bad;
    }
    free(t);
    d->names = names, d->nclass = nnames;
    return 0;
bad: /* (nothing of the labels stays in d) */
    free(t), names_free(names, nnames), free(d->own_y);
    d->y = d->own_y = NULL;
    return -1;
}

/* Labels or targets for the rows of d from array a: shape (n,) or (n, k).
 * Integers and bools are class labels (a one-hot (n, k) array too); floats
 * are regression targets, unless the model is a classifier (o->task), when
 * they must be whole numbers.  A classifier's labels may be floats holding
 * whole numbers; a regression's targets may be integers. */
static int npy_labels(Npy *a, const char *name, const CsvOpt *o, Data *d, Err *err)
{
    uint8_t *copy;
    size_t n, k;
    int cls, onehot = 0;
    if (a->nd < 1 || a->nd > 2)
        return fail(err, name, "labels or targets must have shape (rows,) or (rows, k), not %d dimensions", a->nd);
    n = a->dim[0], k = a->nd == 2 ? a->dim[1] : 1;
    if (n != d->n) return fail(err, name, "%zu labels for %zu rows in %s", n, d->n, d->name);
    if (k < 1 || k > NN_MAX_WIDTH) return fail(err, name, "%zu values a row; allowed is 1 to %d", k, NN_MAX_WIDTH);
    if (a->type == 'U' || a->type == 'S') {
        if (k != 1) return fail(err, name, "class names must have shape (rows,), not (%zu, %zu)", n, k);
        if (o->task == TASK_REGRESS) return fail(err, name, "text labels, but the model is a regression (it takes numbers)");
        if (o->numbered) return fail(err, name, "labels are class names, but the classes of the model are numbers 0 to %zu", o->nnames ? o->nnames - 1 : 0);
        return npy_text_labels(a, name, o, d, err);
    }
    if (o->names && o->task != TASK_REGRESS) /* never matched by accident: the model's order is its own */
        return fail(err, name, "numbers as labels, but the classes of the model are names (%s%s%s...): give the labels as names, a string array",
                    o->names[0], o->nnames > 1 ? ", " : "", o->nnames > 1 ? o->names[1] : "");
    if (npy_c_order(a, &copy, name, err)) return -1;
    if (k > 1 && o->task != TASK_REGRESS) { /* one-hot rows: one 1, the rest 0 */
        onehot = n > 0;
        for (size_t i = 0; i < n && onehot; i++) {
            size_t ones = 0;
            for (size_t j = 0; j < k; j++) {
                double v = npy_value(a, i * k + j);
                if (v != 0 && v != 1) onehot = 0;
                ones += v == 1;
            }
            onehot &= ones == 1;
        }
    }
    cls = o->task == TASK_CLASSIFY || onehot || (o->task != TASK_REGRESS && a->type != 'f');
    if (cls) {
        if (k > 1 && !onehot) {
            char why[80];
            onehot_why(a, n, k, why, sizeof why);
            free(copy);
            return fail(err, name, "%s labels of shape (%zu, %zu) must be one-hot (one 1 a row, the rest 0), and %s; %s", a->type == 'f' ? "class" : "integer",
                        n, k, why, a->type == 'f' ? "give class labels of shape (rows,)" : "for regression targets save them as floats");
        }
        if (!(d->y = d->own_y = alloc_array(n, sizeof(int32_t)))) {
            free(copy);
            return fail(err, name, "out of memory");
        }
        d->nclass = 0;
        for (size_t i = 0; i < n; i++) {
            double v = 0;
            if (onehot)
                while (npy_value(a, i * k + (size_t)v) != 1) v++;
            else v = npy_value(a, i);
            if (!(v >= 0 && v < NN_MAX_CLASSES && v == floor(v))) {
                free(copy), free(d->own_y);
                d->y = d->own_y = NULL;
                return fail(err, name, "label %zu is %.9g, not a whole number from 0 to %d", i, v, NN_MAX_CLASSES - 1);
            }
            d->y[i] = (int32_t)v;
            if ((size_t)v + 1 > d->nclass) d->nclass = (size_t)v + 1;
        }
        if (onehot) note_more(d, "%.400s: one-hot rows read as class labels 0 to %zu", name, k - 1);
    } else {
        int whole = a->type == 'f' && k == 1 && o->task != TASK_REGRESS && n > 1;
        if (!(d->t = d->own_t = alloc_array(n * k, sizeof(float)))) {
            free(copy);
            return fail(err, name, "out of memory");
        }
        for (size_t i = 0; i < n * k; i++) {
            double v = npy_value(a, i);
            d->t[i] = (float)v;
            if (!isfinite(d->t[i])) {
                free(copy), free(d->own_t);
                d->t = d->own_t = NULL;
                return fail(err, name, "row %zu: target %.9g is not a finite float", i / k, v);
            }
            whole &= v == floor(v) && v >= 0 && v < 1000;
        }
        d->nt = k;
        if (whole)
            note_more(d, "%.400s: float%d values read as regression targets; to train a classifier, save the labels as "
                      "integers (y.astype(np.int64))", name, 8 * a->es);
    }
    free(copy);
    return 0;
}

/* ---- .npz: a zip archive of .npy entries ---- */

typedef struct {
    char name[128];     /* the array's name: the entry's without ".npy" */
    size_t off, csize, usize; /* local header offset, compressed and real sizes */
    uint32_t crc;
    int method, flags;
} ZipEntry;

#define NPZ_MAX_ENTRIES 1024

static uint64_t get_le64(const uint8_t *p) { return (uint64_t)get_le32(p) | (uint64_t)get_le32(p + 4) << 32; }
static unsigned get_le16(const uint8_t *p) { return (unsigned)p[0] | (unsigned)p[1] << 8; }

/* The entries of a zip file image, from its central directory. */
static int zip_list(const uint8_t *b, size_t len, const char *name, ZipEntry **out, size_t *nout, Err *err)
{
    size_t eocd = SIZE_MAX, ents, cdsize, cdoff, p;
    ZipEntry *E;
    *out = NULL, *nout = 0;
    for (size_t i = len >= 22 ? len - 22 : 0, stop = len > 22 + 65535 ? len - 22 - 65535 : 0; len >= 22; i--) {
        if (get_le32(b + i) == 0x06054b50 && i + 22 + get_le16(b + i + 20) == len) {
            eocd = i;
            break;
        }
        if (i == stop) break;
    }
    if (eocd == SIZE_MAX) return fail(err, name, "a zip (.npz) file without its end record: truncated or not a zip file");
    ents = get_le16(b + eocd + 10), cdsize = get_le32(b + eocd + 12), cdoff = get_le32(b + eocd + 16);
    if (ents == 0xFFFF || cdsize == 0xFFFFFFFF || cdoff == 0xFFFFFFFF) { /* zip64 */
        size_t z;
        uint64_t e64, s64, o64;
        if (eocd < 20 || get_le32(b + eocd - 20) != 0x07064b50) return fail(err, name, "zip64 end record locator missing");
        z = (size_t)get_le64(b + eocd - 12);
        if (z > eocd - 20 || eocd - 20 - z < 56 || get_le32(b + z) != 0x06064b50) return fail(err, name, "zip64 end record missing or misplaced");
        e64 = get_le64(b + z + 32), s64 = get_le64(b + z + 40), o64 = get_le64(b + z + 48);
        if (e64 > NPZ_MAX_ENTRIES || s64 > len || o64 > len) return fail(err, name, "zip64 end record out of range");
        ents = (size_t)e64, cdsize = (size_t)s64, cdoff = (size_t)o64;
    }
    if (ents > NPZ_MAX_ENTRIES) return fail(err, name, "the zip file has %zu entries; the limit is %d", ents, NPZ_MAX_ENTRIES);
    if (cdoff > len || cdsize > len - cdoff) return fail(err, name, "the zip central directory lies past the end of the file");
    if (!(E = alloc_array(ents, sizeof *E))) return fail(err, name, "out of memory");
    p = cdoff;
    for (size_t k = 0; k < ents; k++) {
        size_t nl, xl, cl;
        ZipEntry *e = &E[k];
        if (cdoff + cdsize - p < 46 || get_le32(b + p) != 0x02014b50) {
            free(E);
            return fail(err, name, "zip central directory entry %zu is damaged", k + 1);
        }
        e->flags = (int)get_le16(b + p + 8), e->method = (int)get_le16(b + p + 10), e->crc = get_le32(b + p + 16);
        e->csize = get_le32(b + p + 20), e->usize = get_le32(b + p + 24);
        nl = get_le16(b + p + 28), xl = get_le16(b + p + 30), cl = get_le16(b + p + 32);
        e->off = get_le32(b + p + 42);
        if (cdoff + cdsize - p - 46 < nl + xl + cl) {
            free(E);
            return fail(err, name, "zip central directory entry %zu is damaged", k + 1);
        }
        if (nl >= sizeof e->name || nl < 1) {
            free(E);
            return fail(err, name, "zip entry %zu: a name of %zu bytes (1 to %zu are read)", k + 1, nl, sizeof e->name - 1);
        }
        memcpy(e->name, b + p + 46, nl), e->name[nl] = 0;
        if (strlen(e->name) != nl) {
            free(E);
            return fail(err, name, "zip entry %zu: a NUL byte in its name", k + 1);
        }
        for (size_t x = p + 46 + nl, xe = x + xl; x + 4 <= xe;) { /* extra fields: zip64's sizes */
            unsigned id = get_le16(b + x), sz = get_le16(b + x + 2);
            size_t q = x + 4, qe = x + 4 + sz;
            if (qe > xe) break;
            if (id == 1) {
                size_t *f[3] = {&e->usize, &e->csize, &e->off};
                for (int t = 0; t < 3; t++)
                    if (*f[t] == 0xFFFFFFFF) {
                        uint64_t v;
                        if (qe - q < 8) {
                            fail(err, name, "zip entry %zu (%s): a zip64 field is missing", k + 1, e->name);
                            free(E);
                            return -1;
                        }
                        v = get_le64(b + q), q += 8;
                        if (v > NN_MAX_FILE) {
                            fail(err, name, "zip entry %zu (%s) is too large (the limit is %zu bytes)", k + 1, e->name, NN_MAX_FILE);
                            free(E);
                            return -1;
                        }
                        *f[t] = (size_t)v;
                    }
            }
            x = qe;
        }
        p += 46 + nl + xl + cl;
        if (nl > 4 && !strcmp(e->name + nl - 4, ".npy")) e->name[nl - 4] = 0;
    }
    *out = E, *nout = ents;
    return 0;
}

/* Entry e of a zip file image, inflated and checked, into *out. */
static int zip_extract(const uint8_t *b, size_t len, const char *name, const ZipEntry *e, uint8_t **out, size_t *outlen, Err *err)
{
    size_t p = e->off, data;
    char where[NN_WHERE];
    where_array(where, name, e->name);
    if (e->flags & 1) return fail(err, where, "encrypted zip entries are not read");
    if (e->method != 0 && e->method != 8) return fail(err, where, "zip compression method %d is not read (stored and deflate are)", e->method);
    if (p > len || len - p < 30 || get_le32(b + p) != 0x04034b50) return fail(err, where, "zip local header missing: the file is damaged");
    data = p + 30 + get_le16(b + p + 26) + get_le16(b + p + 28);
    if (data > len || e->csize > len - data) return fail(err, where, "the entry's data runs past the end of the file (truncated)");
    if (e->usize > NN_MAX_FILE) return fail(err, where, "too large (the limit is %zu bytes)", NN_MAX_FILE);
    if (e->method == 0) {
        if (e->csize != e->usize) return fail(err, where, "a stored entry whose sizes differ: the file is damaged");
        if (!(*out = malloc(e->usize ? e->usize : 1))) return fail(err, where, "out of memory");
        memcpy(*out, b + data, e->usize);
    } else {
        Inflate s;
        const char *why;
        memset(&s, 0, sizeof s);
        s.in = b + data, s.inlen = e->csize, s.maxout = e->usize;
        if ((why = inf_stream(&s))) {
            free(s.out);
            return fail(err, where, "%s", !strncmp(why, "output too large", 16) ? "inflates to more than the zip directory says: the file is damaged" : why);
        }
        if (s.outlen != e->usize) {
            free(s.out);
            return fail(err, where, "inflates to %zu bytes, but the zip directory says %zu: the file is damaged", s.outlen, e->usize);
        }
        if (!s.out && !(s.out = malloc(1))) return fail(err, where, "out of memory");
        *out = s.out;
    }
    if (crc32_update(0, *out, e->usize) != e->crc) {
        free(*out);
        *out = NULL;
        return fail(err, where, "CRC-32 mismatch: the data is corrupted");
    }
    *outlen = e->usize;
    return 0;
}

/* Format notes: CSV.  One example per line; fields separated by ',', ';' or
 * tab (the most frequent of them on the first line); LF or CRLF line ends;
 * blank lines skipped; spaces around fields ignored; optional header line.
 * Numbers are decimal ([+-]digits[.digits][e[+-]digits]); nan, inf and hex
 * are errors.  The label column, if any, holds a whole number 0..65535. */

/* ======================================================================== */
/* @@csv CSV                                                               */
/* ======================================================================== */

static int csv_sep(const char *p, const char *end)
{
    size_t cnt[3] = {0, 0, 0};
    static const char seps[3] = {',', ';', '\t'};
    int best = 0, inq = 0;
    for (; p < end && *p != '\n'; p++) {
        if (*p == '"') inq = !inq;
        if (!inq)
            for (int k = 0; k < 3; k++) cnt[k] += *p == seps[k];
    }
    for (int k = 1; k < 3; k++)
        if (cnt[k] > cnt[best] || (k == 1 && cnt[1] && cnt[1] == cnt[0])) best = k; /* as many ',' as ';': 1,5;2,5 */
    return cnt[best] ? seps[best] : ' ';
}

/* Classic Mac text ends its lines with CR alone: when the first line end
 * in b[0..n) is a CR not followed by LF, turn every CR into LF.  Returns
 * whether it did. */
static int cr_lines(uint8_t *b, size_t n)
{
    size_t i = 0;
    while (i < n && b[i] != '\r' && b[i] != '\n') i++;
    if (i + 1 >= n || b[i] != '\r' || b[i + 1] == '\n') return 0;
    for (; i < n; i++)
        if (b[i] == '\r') b[i] = '\n';
    return 1;
}

/* Walks the fields of one CSV line. */
typedef struct {
    const char *p, *eol;
    int sep, done;
} CsvIt;

/* The next field: its text [*fb, *fe), spaces around it and its quotes
 * removed (inside quotes "" stands for one "); *quoted says whether it was
 * quoted.  Returns 1, 0 after the last field, or -1 for a quote that does
 * not close before the end of the line (or text after a closing quote). */
static int csv_next(CsvIt *it, const char **fb, const char **fe, int *quoted)
{
    const char *p = it->p, *eol = it->eol;
    if (it->done) return 0;
    while (p < eol && (*p == ' ' || *p == '\r' || (*p == '\t' && it->sep != '\t'))) p++;
    if (it->sep == ' ' && p == eol) return it->done = 1, 0; /* whitespace mode: no more fields */
    *quoted = p < eol && *p == '"';
    if (*quoted) {
        *fb = ++p;
        for (;; p++) {
            if (p >= eol) return *fe = eol, -1;
            if (*p == '"') {
                if (p + 1 < eol && p[1] == '"') p++;
                else break;
            }
        }
        *fe = p++;
        while (p < eol && (*p == ' ' || *p == '\r' || (*p == '\t' && it->sep != '\t'))) p++;
        if (p < eol && *p != it->sep && it->sep != ' ') return *fe = eol, -1; /* text after the closing quote */
    } else {
        *fb = p;
        while (p < eol && *p != it->sep && !(it->sep == ' ' && (*p == '\t' || *p == '\r'))) p++;
        *fe = p;
        while (*fe > *fb && ((*fe)[-1] == ' ' || (*fe)[-1] == '\r' || ((*fe)[-1] == '\t' && it->sep != '\t'))) (*fe)--;
    }
    if (p < eol && *p == it->sep && it->sep != ' ') p++;
    else if (it->sep != ' ') it->done = 1;
    it->p = p;
    return 1;
}

/* The end of the line at p: its '\n', or end. */
static const char *line_end(const char *p, const char *end)
{
    const char *eol = memchr(p, '\n', (size_t)(end - p));
    return eol ? eol : end;
}

/* Whether the line [p, eol) holds no data: blank, or (comments) a '#'
 * comment.  In a table's rows a '#' is data ("#2 best seller", "#N/A"). */
static int skip_line_c(const char *p, const char *eol, int comments)
{
    if (eol - p >= 3 && !memcmp(p, "\xEF\xBB\xBF", 3)) p += 3; /* a byte-order mark alone is no data */
    while (p < eol && (*p == ' ' || *p == '\r' || *p == '\t')) p++;
    return p == eol || (comments && *p == '#');
}

static int skip_line(const char *p, const char *eol) { return skip_line_c(p, eol, 1); }

/* Count the fields of the line at p (up to '\n' or end); -1 when a quote
 * does not close (*badcol: its column). */
static long csv_fields(const char *p, const char *end, int sep, size_t *badcol)
{
    const char *fb, *fe;
    CsvIt it;
    long n = 0;
    int q, r;
    it.p = p, it.eol = line_end(p, end), it.sep = sep, it.done = 0;
    while ((r = csv_next(&it, &fb, &fe, &q)) == 1) n++;
    if (r < 0) return *badcol = (size_t)n + 1, -1;
    return n;
}

/* Field k (1-based) of the line [p, eol): 1 and its text, or 0. */
static int csv_field(const char *p, const char *eol, int sep, size_t k, const char **fb, const char **fe, int *quoted)
{
    CsvIt it;
    it.p = p, it.eol = eol, it.sep = sep, it.done = 0;
    for (size_t i = 1;; i++) {
        if (csv_next(&it, fb, fe, quoted) != 1) return 0;
        if (i == k) return 1;
    }
}

/* Whether [b, e) is a decimal number by its spelling (1e39 is one, even
 * though it does not fit a float). */
static int number_text(const char *b, const char *e)
{
    int dig = 0;
    if (b < e && (*b == '+' || *b == '-')) b++;
    for (; b < e && *b >= '0' && *b <= '9'; b++) dig++;
    if (b < e && *b == '.')
        for (b++; b < e && *b >= '0' && *b <= '9'; b++) dig++;
    if (!dig) return 0;
    if (b < e && (*b == 'e' || *b == 'E')) {
        b++;
        if (b < e && (*b == '+' || *b == '-')) b++;
        if (b == e || *b < '0' || *b > '9') return 0;
        while (b < e && *b >= '0' && *b <= '9') b++;
    }
    return b == e;
}

/* A field is a number, a missing value (empty, or one of the spellings
 * spreadsheets and pandas write), or a name. */
enum { FLD_NUMBER, FLD_MISSING, FLD_NAME };

static const char *const missing_spellings[] = {"NA", "N/A", "n/a", "na", "NaN", "nan", "NAN", "null", "NULL", "None", "?", "#N/A", "<NA>", NULL};

/* Is t one of missing_spellings? */
static int missing_spelling(const char *t)
{
    for (int k = 0; missing_spellings[k]; k++)
        if (!strcmp(t, missing_spellings[k])) return 1;
    return 0;
}

static int field_kind(const char *b, const char *e)
{
    if (b == e) return FLD_MISSING;
    if (number_text(b, e)) return FLD_NUMBER;
    for (int k = 0; missing_spellings[k]; k++)
        if (strlen(missing_spellings[k]) == (size_t)(e - b) && !memcmp(missing_spellings[k], b, (size_t)(e - b))) return FLD_MISSING;
    return FLD_NAME;
}

/* The kind of a field as read (quoted: whether it was): a quoted number is
 * a number, but a quoted "NA" (or "?" ...) is a name, as spreadsheets mean
 * it; a quoted empty field is missing. */
static int field_kind_q(const char *b, const char *e, int quoted)
{
    int k = field_kind(b, e);
    return quoted && k == FLD_MISSING && b != e ? FLD_NAME : k;
}

/* Does the line [p, eol) hold a quote escaped with a backslash? */
static int escaped_quote(const char *p, const char *eol)
{
    for (; p + 1 < eol; p++)
        if (p[0] == '\\' && p[1] == '"') return 1;
    return 0;
}

/* Is t an infinity as R, NumPy or a spreadsheet writes one? */
static int infinity_text(const char *t)
{
    t += *t == '-' || *t == '+';
    return !strcasecmp(t, "inf") || !strcasecmp(t, "infinity") || !strcmp(t, "\xe2\x88\x9e");
}

/* What is wrong with a CSV line, for the message. */
enum { BAD_NUMBER = 1, BAD_COUNT, BAD_RANGE, BAD_QUOTE, BAD_EMPTY_LABEL, BAD_MISSING, BAD_OVERFLOW };
typedef struct {
    size_t col;       /* 1-based column */
    const char *text; /* the field */
    size_t len;
    int kind;         /* BAD_* */
    size_t nf;        /* fields found (BAD_COUNT) */
    int spaced;       /* (BAD_COUNT) 1: the fields are separated by spaces or tabs; 2: the line holds a quote escaped as \" */
    int trail;        /* the line ends with a separator (an empty last field) */
    const char *cname; /* the column's header name, or NULL */
} CsvBad;

/* Parse the CSV line [p, eol): exactly ncol fields separated by sep;
 * column skip (1-based; 0 = none) is left out (row names); column lc
 * (1-based; 0 = none) is the label, whose text goes to
 * label[0..1] (and whether it was quoted to *lq); the others go to x[] as
 * (float)value * inv.  Returns 0, or -1 with *bad filled. */
static int csv_row(const char *p, const char *eol, int sep, size_t ncol, size_t lc, size_t skip, float inv, float *x,
                   const char **label, int *lq, CsvBad *bad)
{
    CsvIt it;
    const char *fb = p, *fe = p;
    size_t k = 0, j = 0;
    int q, r;
    it.p = p, it.eol = eol, it.sep = sep, it.done = 0;
    bad->cname = NULL;
    while ((r = csv_next(&it, &fb, &fe, &q)) == 1) {
        if (++k > ncol || k == skip) continue; /* (counted for the message; row names) */
        if (k == lc) {
            if (fb == fe || (!q && field_kind(fb, fe) == FLD_MISSING)) { /* (a quoted "NA" is a name) */
                bad->kind = BAD_EMPTY_LABEL, bad->col = k, bad->text = fb, bad->len = (size_t)(fe - fb);
                return -1;
            }
            label[0] = fb, label[1] = fe, *lq = q;
        } else {
            double v;
            const char *t = fb;
            float fv;
            int sr = scan_number(&t, fe, &v);
            if (sr == -2 && t == fe) {
                bad->kind = BAD_RANGE, bad->col = k, bad->text = fb, bad->len = (size_t)(fe - fb);
                return -1;
            }
            if (sr || t != fe) {
                const char *e = eol;
                while (e > p && (e[-1] == '\r' || (sep == ' ' && e[-1] == ' '))) e--;
                bad->kind = BAD_NUMBER, bad->col = k, bad->text = fb, bad->len = (size_t)(fe - fb);
                bad->trail = sep != ' ' && e > p && e[-1] == sep;
                return -1;
            }
            fv = (float)v;
            if (!isfinite(fv)) {
                bad->kind = BAD_RANGE, bad->col = k, bad->text = fb, bad->len = (size_t)(fe - fb);
                return -1;
            }
            x[j++] = fv * inv;
        }
    }
    if (r < 0) {
        bad->kind = BAD_QUOTE, bad->col = k + 1, bad->text = fb, bad->len = (size_t)(fe - fb);
        return -1;
    }
    if (k != ncol) {
        bad->kind = BAD_COUNT, bad->nf = k, bad->col = ncol, bad->spaced = (sep == ' ' || sep == '\t') | escaped_quote(p, eol) << 1;
        return -1;
    }
    return 0;
}

/* Whether [t, t+n) reads as a number written with a decimal comma (1,5). */
static int decimal_comma(const char *t, size_t n)
{
    size_t i = t[0] == '-' || t[0] == '+', c = 0, digits = 0;
    for (; i < n; i++) {
        if (t[i] == ',') c++;
        else if (t[i] >= '0' && t[i] <= '9') digits++;
        else return 0;
    }
    return c == 1 && digits >= 2 && t[n - 1] != ',';
}

/* For a header of nh names over rows of nc fields: why, where a guess can
 * be made. */
static const char *width_hint(int sep, size_t nh, size_t nc, int escq)
{
    if (escq)
        return " (a quote escaped as \\\" ends its field: R's write.table(qmethod = \"escape\") writes them; write it with "
               "qmethod = \"double\", as write.csv does)";
    if (nc > nh + 1 && (sep == ' ' || sep == '\t'))
        return " (separated by spaces, a name with a space in it splits in two, as R's write.table(quote = FALSE) writes "
               "row names such as 'Mazda RX4': write it quoted, or without row names)";
    if (nc > nh)
        return " (a field more: the rows end with a separator?)";
    return "";
}

/* The message for a CsvBad. */
static int csv_fail(Err *err, const char *where, const CsvBad *bad, size_t ncol)
{
    int n = (int)(bad->len > 40 ? 40 : bad->len);
    char col[100]; /* "column 3", or a table's "column 3 (Horsepower)" */
    if (bad->cname && *bad->cname) snprintf(col, sizeof col, "column %zu (%.60s)", bad->col, bad->cname);
    else snprintf(col, sizeof col, "column %zu", bad->col);
    switch (bad->kind) {
    case BAD_OVERFLOW: return fail(err, where, "the row's values give an output that is not a finite number (too large for the model's scaling?)");
    case BAD_COUNT: return fail(err, where, "%zu columns, but the first line has %zu%s", bad->nf, ncol, width_hint(bad->spaced & 1 ? ' ' : ',', ncol, bad->nf, bad->spaced & 2));
    case BAD_EMPTY_LABEL:
        if (bad->len) return fail(err, where, "%s, the label, is missing ('%.*s')", col, n, bad->text);
        return fail(err, where, "%s, the label, is empty%s", col, bad->col == ncol ? " (does the line end with a separator?)" : "");
    case BAD_MISSING: return fail(err, where, "%s: a missing value ('%.*s'), and the model was trained with --missing error", col, n, bad->text);
    case BAD_RANGE: return fail(err, where, "%s: '%.*s' does not fit in a float", col, n, bad->text);
    case BAD_QUOTE: return fail(err, where, "%s: a quote that does not close on its line: '%.*s' (a line break inside a quoted "
                                "field is not read: replace it; a quote escaped as \\\" by R's write.table(qmethod = \"escape\") "
                                "is not either: write it with qmethod = \"double\", as write.csv does)", col, n, bad->text);
    default: /* BAD_NUMBER */
        if (!bad->len) return fail(err, where, "%s is empty%s", col, bad->col == ncol && bad->trail ? " (does the line end with a separator?)" : "");
        if (bad->len < 16) {
            char t[16];
            memcpy(t, bad->text, bad->len), t[bad->len] = 0;
            if (infinity_text(t)) return fail(err, where, "%s: '%s' is infinite, and nn reads finite numbers only", col, t);
        }
        return fail(err, where, "%s: '%.*s' is not a number%s", col, n, bad->text,
                    bad->trail ? " (and the line ends with a separator, so its last column is empty: is --label-col right?)"
                    : decimal_comma(bad->text, bad->len) ? " (a decimal comma? in a file separated by ';' or tabs give --decimal ,; in one "
                                                             "separated by commas too, write the numbers with points)" : "");
    }
}

/* The layout of a CSV text, from its first data line at *p (advanced
 * past a byte-order mark, blank and comment lines and a header line).
 * *line counts the lines passed.  `note` tells what was decided for the
 * user (a header skipped, a label column chosen), or is empty. */
typedef struct {
    int sep;
    size_t ncol, lc, d; /* columns, label column (1-based, 0 none), features */
    size_t skip;        /* a column left out (1-based, 0 none): R's row names or pandas' index, for a model not of a table */
    const char *head, *head_end; /* the header line, or NULL */
    int short_head;              /* the header has a name fewer than the rows: R's write.table, its row names unnamed */
    char doubt[400];             /* training a table: why no column is taken for the label (an error once the rows read) */
    char note[1000];
} CsvShape;

/* Skip blank lines and (comments) comment lines from *pp, counting them
 * in *line. */
static void skip_blank_c(const char **pp, const char *end, size_t *line, int comments)
{
    const char *p = *pp, *eol;
    while (p < end && skip_line_c(p, eol = line_end(p, end), comments)) p = eol + (eol < end), ++*line;
    *pp = p;
}

static void skip_blank(const char **pp, const char *end, size_t *line) { skip_blank_c(pp, end, line, 1); }

/* The field separator of the CSV text at p: o's, or the first line's. */
static int csv_first_sep(const char *p, const char *end, const CsvOpt *o)
{
    size_t line = 0;
    if (o->sep) return o->sep;
    if (end - p >= 3 && !memcmp(p, "\xEF\xBB\xBF", 3)) p += 3;
    skip_blank(&p, end, &line);
    return csv_sep(p, end);
}

/* Decimal commas, as R's write.csv2 and Excel in much of Europe write
 * numbers, with ';' between the fields: every field of the lines in
 * b[0, n) that reads as a number with a decimal comma (1,5 or -0,25) gets a
 * decimal point instead, so the readers after this see 1.5.  *state: -1
 * undecided (auto in a ';' file: decided by the first lines holding a
 * number with a decimal mark: a comma turns it on, a point off), 0 off, 1
 * on; a quoted field does not decide).  Saying so on stderr is the
 * caller's, when *state turns 1. */
static void csv_decimal(uint8_t *b, size_t n, int sep, int *state)
{
    const char *p = (const char *)b, *end = p + n, *fb, *fe;
    if (*state == 0) return;
    if (n >= 3 && !memcmp(b, "\xEF\xBB\xBF", 3)) p += 3;
    while (p < end) {
        const char *eol = line_end(p, end);
        CsvIt it;
        int q;
        it.p = p, it.eol = eol, it.sep = sep, it.done = 0;
        while (csv_next(&it, &fb, &fe, &q) == 1) {
            if (*state < 0 && !q && number_text(fb, fe) && memchr(fb, '.', (size_t)(fe - fb))) { /* (R quotes factor levels: "0.5") */
                *state = 0; /* 1.5: the numbers have decimal points */
                return;
            }
            if (fe - fb >= 3 && decimal_comma(fb, (size_t)(fe - fb))) {
                *state = 1;
                ((char *)b)[(const char *)memchr(fb, ',', (size_t)(fe - fb)) - (const char *)b] = '.';
            }
        }
        p = eol + (eol < end);
    }
}

/* csv_decimal's starting state for o and a file separated by sep. */
static int csv_decimal_state(const CsvOpt *o, int sep)
{
    return o->decimal == ',' ? 1 : o->decimal == '.' || sep != ';' ? 0 : -1;
}

/* Say that name's decimal commas are read as points (found, not asked for). */
static void say_decimal(const char *name)
{
    say("%s: numbers with a decimal comma (1,5) read as 1.5: ';' separates the fields, as in R's write.csv2 and "
        "Excel (--decimal . if the commas are not decimal marks)", name);
}

/* --header auto: whether the first line [p, eol) is a header rather than
 * data, judged on that line alone (so a pipe's timing cannot change the
 * answer).  It is when it has no missing fields and either most of its
 * fields are names, or its numeric fields count 0, 1, 2 ... (at least
 * three of them beside a name, or four on their own: pandas writes integer
 * column names so).  Without seq_ok (a model that knows no column names
 * reads the rows) numbers counting so are a header only after an empty
 * first field or 'Unnamed: 0' (pandas' index): else they may be a row,
 * and one row lost would shift every answer after it.  A line of numbers with a stray word
 * in it is data, and its word an error. */
static int csv_is_header(const char *p, const char *eol, int sep, size_t ncol, int seq_ok)
{
    CsvIt it;
    const char *fb, *fe;
    int quoted, seq = 1, index = 0;
    size_t k = 0, names = 0, nums = 0;
    it.p = p, it.eol = eol, it.sep = sep, it.done = 0;
    while (k < ncol && csv_next(&it, &fb, &fe, &quoted) == 1) {
        int t = field_kind(fb, fe);
        k++;
        if (t == FLD_MISSING && !(fb == fe && (k == ncol || k == 1))) return 0; /* a missing value: data (an empty
                                                                                * last field is a trailing separator,
                                                                                * an empty first one pandas' index) */
        index |= k == 1 && (fb == fe || (fe - fb == 10 && !memcmp(fb, "Unnamed: 0", 10)));
        if (t == FLD_NAME && !decimal_comma(fb, (size_t)(fe - fb))) names++; /* (1,5 is a number, badly written) */
        else if (t == FLD_NUMBER) { /* a pandas column index? */
            double v;
            const char *q = fb;
            if (scan_number(&q, fe, &v) || v != floor(v) || !(v >= 0 && v < 1e9)) seq = 0;
            else seq &= (size_t)v == nums;
            nums++;
        }
    }
    return 2 * names > k || ((seq_ok || index) && seq && (names ? nums >= 3 : nums >= 4));
}

/* --label-col auto: whether column c of the data lines from p looks like
 * class labels: whole numbers or names, none empty, at least two values
 * and not one per row (an id); looks at up to 1000 lines.  *distinct gets
 * the number of values seen (up to 257). */
static int label_like(const char *p, const char *end, int sep, size_t c, size_t *distinct)
{
    const char *seen[257][2], *fb, *fe;
    size_t nd = 0, rows = 0;
    int quoted;
    for (; p < end && rows < 1000;) {
        const char *eol = line_end(p, end);
        if (!skip_line(p, eol)) {
            int t;
            size_t j;
            rows++;
            if (!csv_field(p, eol, sep, c, &fb, &fe, &quoted)) return *distinct = 0, 0;
            if ((t = field_kind(fb, fe)) == FLD_MISSING) { /* (a row without its label: left out, said, when it is the label) */
                p = eol + (eol < end), rows--;
                continue;
            }
            if (t == FLD_NUMBER) {
                double v;
                const char *s = fb;
                if (scan_number(&s, fe, &v) || v != floor(v) || v < 0 || v >= NN_MAX_CLASSES) return *distinct = 0, 0;
            }
            for (j = 0; j < nd; j++)
                if (seen[j][1] - seen[j][0] == fe - fb && !memcmp(seen[j][0], fb, (size_t)(fe - fb))) break;
            if (j == nd && nd < 257) seen[nd][0] = fb, seen[nd][1] = fe, nd++;
        }
        p = eol + (eol < end);
    }
    *distinct = nd;
    return nd >= 2 && nd <= 256 && (nd <= 2 || 2 * nd <= rows);
}

/* Whether column c (from 1) of the rows from p holds names, in the first
 * 1000 rows: 2, a field that is no number; 1, numbers quoted in every row
 * (an R factor, or a file that quotes every field); else 0. */
static int names_column(const char *p, const char *end, int sep, size_t c)
{
    const char *fb, *fe;
    size_t rows = 0, quoted = 0;
    int q;
    for (; p < end && rows < 1000;) {
        const char *eol = line_end(p, end);
        if (!skip_line(p, eol)) {
            int t;
            if (!csv_field(p, eol, sep, c, &fb, &fe, &q)) return 0;
            if ((t = field_kind(fb, fe)) == FLD_NAME) return 2;
            rows += t == FLD_NUMBER, quoted += t == FLD_NUMBER && q;
        }
        p = eol + (eol < end);
    }
    return rows && quoted == rows;
}

/* Add a sentence to a note of cap bytes (a line each). */
#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static void note_say(char *note, size_t cap, const char *fmt, ...)
{
    size_t k = strlen(note);
    va_list ap;
    if (k && k + 2 < cap) memcpy(note + k, "\n", 2), k += 1; /* (say_lines says each line) */
    va_start(ap, fmt);
    if (k < cap) vsnprintf(note + k, cap - k, fmt, ap);
    va_end(ap);
}

/* " 'name'" of column c (from 1) of a CSV's header line, or "". */
static void head_name(const CsvShape *sh, size_t c, char *buf, size_t cap)
{
    CsvIt it;
    const char *fb, *fe;
    int q;
    buf[0] = 0;
    if (!sh->head || c <= (size_t)sh->short_head) return; /* (R's write.table leaves its row names unnamed) */
    it.p = sh->head, it.eol = sh->head_end, it.sep = sh->sep, it.done = 0;
    for (size_t k = 1 + (size_t)sh->short_head; csv_next(&it, &fb, &fe, &q) == 1; k++)
        if (k == c) {
            snprintf(buf, cap, " '%.*s'", (int)(fe - fb > 60 ? 60 : fe - fb), fb);
            return;
        }
}

/* The unescaped text of a field [b, e) (quoted: "" stands for ") into buf
 * (cap bytes); its length, or SIZE_MAX when it does not fit. */
static size_t field_text(const char *b, const char *e, int quoted, char *buf, size_t cap)
{
    size_t k = 0;
    for (const char *p = b; p < e; p++) {
        if (k + 1 >= cap) return SIZE_MAX;
        buf[k++] = *p;
        if (quoted && *p == '"' && p + 1 < e && p[1] == '"') p++;
    }
    buf[k] = 0;
    return k;
}

/* Is a header name that of a row-names column: R's write.csv heads its
 * row names "", pandas its index "" (and "Unnamed: 0" once read and
 * written again)? */
static int row_names_name(const char *h) { return !*h || !strcmp(h, "Unnamed: 0"); }

/* Is the first column of a file with a header its rows' names: headed ""
 * or 'Unnamed: 0', or unnamed under a header a name short (R's
 * write.table)? */
static int row_names_first(const CsvShape *sh)
{
    const char *fb, *fe;
    int q;
    char t[16];
    CsvIt it;
    if (!sh->head || sh->ncol < 2) return 0;
    if (sh->short_head) return 1;
    it.p = sh->head, it.eol = sh->head_end, it.sep = sh->sep, it.done = 0;
    return csv_next(&it, &fb, &fe, &q) == 1 && field_text(fb, fe, q, t, sizeof t) != SIZE_MAX && row_names_name(t);
}

/* How many columns a header's n names h start with that are row names: a
 * first named as row_names_name says, then any pandas names "Unnamed: K"
 * (a file read with its row names as a column and written again beside a
 * new index); never every column. */
static int unnamed_k(const char *h) { return !strncmp(h, "Unnamed: ", 9) && h[9] && strspn(h + 9, "0123456789") == strlen(h + 9); }

/* Whether header name k (after k row-names columns) is how R and tibble
 * name row names read back as a column: X (X.1 ...) after R's "", or
 * rowname first. */
static int earlier_row_names(char *const *h, size_t k)
{
    if (k == 0) return !strcmp(h[0], "rowname");
    return h[k][0] == 'X' && (!h[k][1] || (h[k][1] == '.' && h[k][2] && strspn(h[k] + 2, "0123456789") == strlen(h[k] + 2)));
}

/* Whether column c (from 1) of the rows from p holds a different value in
 * every row, each a whole number or a name (row names, an index), none
 * missing: over the first 100000 rows. */
typedef struct {
    const char *b;
    size_t n;
} Span;
static int span_cmp(const void *a, const void *b)
{
    const Span *x = a, *y = b;
    int r = memcmp(x->b, y->b, x->n < y->n ? x->n : y->n);
    return r ? r : (x->n > y->n) - (x->n < y->n);
}
static int distinct_column(const char *p, const char *end, int sep, size_t c)
{
    size_t n = 0, cap = 1024;
    Span *v = malloc(cap * sizeof *v);
    int ok = v != NULL;
    while (ok && p < end && n < 100000) {
        const char *eol = line_end(p, end), *fb, *fe;
        int q, k;
        if (!skip_line(p, eol)) {
            if (!csv_field(p, eol, sep, c, &fb, &fe, &q) || (k = field_kind_q(fb, fe, q)) == FLD_MISSING) ok = 0;
            else if (k == FLD_NUMBER) {
                const char *t = fb;
                double x;
                ok = !scan_number(&t, fe, &x) && x == floor(x);
            }
            if (ok && n == cap) {
                Span *w = realloc(v, 2 * cap * sizeof *v);
                if (!w) ok = 0;
                else v = w, cap *= 2;
            }
            if (ok) v[n].b = fb, v[n].n = (size_t)(fe - fb), n++;
        }
        p = eol + (eol < end);
    }
    if (ok && n >= 2) {
        qsort(v, n, sizeof *v, span_cmp);
        for (size_t i = 1; ok && i < n; i++) ok = span_cmp(&v[i - 1], &v[i]) != 0;
    }
    free(v);
    return ok && n >= 2;
}

static char **shape_header(const CsvShape *sh, size_t *n);

/* Whether the rows from p start with R's row names, as write.table writes
 * them: column 1 quoted in every row, a different value in each, while the
 * first row holds a bare number elsewhere. */
static int quoted_row_names(const char *p, const char *end, int sep)
{
    const char *eol, *fb, *fe;
    int q, bare = 0;
    size_t rows = 0;
    for (const char *r = p; r < end && rows < 1000; r = eol + (eol < end)) {
        eol = line_end(r, end);
        if (skip_line(r, eol)) continue;
        if (!csv_field(r, eol, sep, 1, &fb, &fe, &q) || !q) return 0;
        if (!rows++) {
            CsvIt it;
            it.p = r, it.eol = eol, it.sep = sep, it.done = 0;
            for (size_t k = 0; csv_next(&it, &fb, &fe, &q) == 1; k++) bare |= k > 0 && !q && field_kind(fb, fe) == FLD_NUMBER;
        }
    }
    return bare && rows >= 2 && distinct_column(p, end, sep, 1);
}

/* "first" ... "fourth" (a column's place, from 1). */
static const char *ordinal(size_t k) { return k == 1 ? "first" : k == 2 ? "second" : k == 3 ? "third" : "fourth"; }

/* Whether column c (from 1) of the rows from p is free text, as
 * table_build judges a column of names: more than 20 different values,
 * and more than one for every two rows (in the first 100000 rows). */
static int free_text_column(const char *p, const char *end, int sep, size_t c)
{
    size_t n = 0, cap = 1024, distinct = 0, rows = 0;
    Span *v = malloc(cap * sizeof *v);
    int names = 0;
    while (v && p < end && rows < 100000) {
        const char *eol = line_end(p, end), *fb, *fe;
        int q, k;
        if (!skip_line(p, eol)) {
            rows++;
            if (csv_field(p, eol, sep, c, &fb, &fe, &q) && (k = field_kind_q(fb, fe, q)) != FLD_MISSING) {
                names |= k == FLD_NAME;
                if (n == cap) {
                    Span *w = realloc(v, 2 * cap * sizeof *v);
                    if (!w) break;
                    v = w, cap *= 2;
                }
                v[n].b = fb, v[n].n = (size_t)(fe - fb), n++;
            }
        }
        p = eol + (eol < end);
    }
    if (v && n) {
        qsort(v, n, sizeof *v, span_cmp);
        distinct = 1;
        for (size_t i = 1; i < n; i++) distinct += span_cmp(&v[i - 1], &v[i]) != 0;
    }
    free(v);
    return names && distinct > 20 && 2 * distinct > rows;
}

static size_t row_names_run(char *const *h, size_t n)
{
    size_t k = n >= 2 && row_names_name(h[0]);
    while (k && k + 1 < n && unnamed_k(h[k])) k++;
    return k;
}

static int csv_shape(const char **pp, const char *end, size_t *line, const CsvOpt *o, const char *name, CsvShape *sh,
                     Err *err)
{
    static const char *const label_names[] = {"label", "labels", "class", "target", "y", NULL};
    const char *p = *pp, *eol;
    int header = o->header, lcol = o->label_col;
    char where[NN_WHERE];
    long nf;
    size_t badq = 0;
    sh->head = sh->head_end = NULL, sh->note[0] = 0;
    if (end - p >= 3 && !memcmp(p, "\xEF\xBB\xBF", 3)) p += 3; /* a UTF-8 byte-order mark */
    skip_blank(&p, end, line);
    if (p >= end) return fail(err, name, "empty data file");
    if (header == 1) { /* skipped whatever its shape (sklearn's first line counts rows and features) */
        sh->head = p, sh->head_end = line_end(p, end);
        p = sh->head_end + (sh->head_end < end), ++*line;
        skip_blank_c(&p, end, line, !o->hash_data);
        if (p >= end) return fail(err, name, "no data rows");
    }
    sh->sep = o->sep ? o->sep : csv_sep(sh->head ? sh->head : p, end); /* (the first line: a header's, if any) */
    where_line(where, name, *line + 1);
    if ((nf = csv_fields(p, end, sh->sep, &badq)) < 0)
        return fail(err, where, "column %zu: a quote that does not close", badq);
    sh->ncol = (size_t)nf;
    if (sh->ncol > NN_MAX_WIDTH + 1) return fail(err, name, "%zu columns; the limit is %d", sh->ncol, NN_MAX_WIDTH + 1);
    if (lcol != LABEL_NONE && sh->ncol < 2) return fail(err, name, "one column only: nothing left for features beside the label");
    eol = line_end(p, end);
    if (header < 0 && o->no_colnames && csv_is_header(p, eol, sh->sep, sh->ncol, 1) && !csv_is_header(p, eol, sh->sep, sh->ncol, 0))
        snprintf(sh->note, sizeof sh->note, "%.300s: line %zu, numbers counting 0, 1, 2 ..., read as data: the model has no column "
                 "names to match a header against (give --header yes if it is one)", name, *line + 1);
    else if (header < 0 && csv_is_header(p, eol, sh->sep, sh->ncol, !o->no_colnames)) {
        const char *he = eol;
        int cut;
        while (he > p && he[-1] == '\r') he--;
        cut = (int)(he - p > 60 ? 60 : he - p);
        while (cut > 0 && cut < he - p && ((unsigned char)p[cut] & 0xC0) == 0x80) cut--; /* not inside a UTF-8 character */
        snprintf(sh->note, sizeof sh->note, "%.300s: line %zu taken as a header (%.*s%s); give --header no if it is data",
                 name, *line + 1, cut, p, he - p > cut ? "..." : "");
        sh->head = p, sh->head_end = eol;
        p = eol + (eol < end), ++*line;
        skip_blank_c(&p, end, line, !o->hash_data);
    }
    sh->skip = 0, sh->short_head = 0, sh->doubt[0] = 0;
    if (sh->head && p < end) { /* R's write.table: a header of n names over rows of n + 1 fields, the first the row names */
        long nd = csv_fields(p, end, sh->sep, &badq), nh = csv_fields(sh->head, end, sh->sep, &badq);
        const char *fb, *fe;
        int q, last = 0;
        CsvIt it;
        it.p = p, it.eol = line_end(p, end), it.sep = sh->sep, it.done = 0;
        for (long k = 0; k < nd && csv_next(&it, &fb, &fe, &q) == 1; k++) /* (no trailing separator) */
            last = fe > fb || q;
        if (nd >= 2 && nd == nh + 1 && (size_t)nd <= NN_MAX_WIDTH + 1 && last) {
            sh->ncol = (size_t)nd, sh->short_head = 1;
            if (!o->tab)
                note_say(sh->note, sizeof sh->note, "%.300s: the header has a name fewer than the rows have fields (R's "
                         "write.table): column 1 is the rows' names", name);
        }
    }
    if (sh->head && !o->row_names && !o->tab && !o->hash_data && sh->ncol >= 2 && lcol != 1 && sh->short_head) {
        sh->skip = 1; /* (a table's reader sees to its own) */
    } else if (sh->head && !o->row_names && !o->tab && !o->hash_data && sh->ncol >= 2 && lcol != 1) { /* R's row names, pandas' index:
                                                                                                 * not features (a table's reader
                                                                                                 * sees to its own) */
        const char *fb, *fe;
        int q;
        char t[16];
        CsvIt it;
        it.p = sh->head, it.eol = sh->head_end, it.sep = sh->sep, it.done = 0;
        if (csv_next(&it, &fb, &fe, &q) == 1 && field_text(fb, fe, q, t, sizeof t) != SIZE_MAX && row_names_name(t)) {
            sh->skip = 1;
            note_say(sh->note, sizeof sh->note, "%.300s: column 1 ('%s') holds row names (R's write.csv, pandas' index): not a feature", name, t);
        }
    }
    if (!sh->head && !o->row_names && !o->tab && !o->hash_data && sh->ncol >= 3 && lcol != 1 && quoted_row_names(p, end, sh->sep)) {
        sh->skip = 1; /* R's write.table without a header: its quoted row names first, bare numbers after */
        note_say(sh->note, sizeof sh->note, "%.300s: column 1, quoted in every row beside bare numbers and a different value in each, "
                 "holds row names (R's write.table without a header): not a feature; give --row-names feature to use it as one", name);
    }
    if (o->row_names && !o->tab && !sh->short_head) { /* --row-names feature: is there a column it applies to? */
        const char *fb, *fe;
        int q;
        char t[16];
        CsvIt it;
        it.p = sh->head, it.eol = sh->head_end, it.sep = sh->sep, it.done = 0;
        if (!sh->head || csv_next(&it, &fb, &fe, &q) != 1 || field_text(fb, fe, q, t, sizeof t) == SIZE_MAX || !row_names_name(t))
            note_say(sh->note, sizeof sh->note, "%.300s: warning: --row-names feature has no effect: its first column is not "
                     "headed \"\" or 'Unnamed: 0' (row names)", name);
    }
    if (lcol == LABEL_AUTO && sh->head) { /* a header column named like a label */
        const char *fb, *fe;
        int q;
        CsvIt it;
        it.p = sh->head, it.eol = sh->head_end, it.sep = sh->sep, it.done = 0;
        for (size_t c = 1 + (size_t)sh->short_head; lcol == LABEL_AUTO && csv_next(&it, &fb, &fe, &q) == 1; c++)
            for (int k = 0; label_names[k]; k++)
                if (strlen(label_names[k]) == (size_t)(fe - fb) && !strncasecmp(label_names[k], fb, (size_t)(fe - fb)) && c <= sh->ncol) {
                    lcol = (int)c;
                    if (!o->quiet_label)
                        note_say(sh->note, sizeof sh->note, "%.300s: the label is column %zu, '%.*s' (named like a label); give "
                                 "--label-col to choose another", name, c, (int)(fe - fb > 60 ? 60 : fe - fb), fb);
                }
    }
    if (lcol == LABEL_AUTO) { /* the first column, unless it does not look like labels and the last does */
        size_t d1 = 0, dl = 0, fc = 1 + (sh->skip || row_names_first(sh)); /* (the first after row names,
                                                                                             * a table's too) */
        char hn[80] = "";
        if (sh->head && sh->ncol > fc + 1) { /* and after earlier row names (R's X, tibble's rowname) */
            size_t nh = 0;
            char **h = shape_header(sh, &nh);
            if (h && nh == sh->ncol && earlier_row_names(h, fc - 1) && distinct_column(p, end, sh->sep, fc)) fc++;
            names_free(h, nh);
        }
        lcol = (int)fc;
        if (sh->ncol > fc && label_like(p, end, sh->sep, sh->ncol, &dl) && !label_like(p, end, sh->sep, fc, &d1)) {
            lcol = LABEL_LAST;
            head_name(sh, sh->ncol, hn, sizeof hn);
            note_say(sh->note, sizeof sh->note, "%.300s: the label is taken from the last column%s (%zu values; the %s %s); give "
                     "--label-col to choose", name, hn, dl, ordinal(fc), d1 == 1 ? "holds one value only" : "does not look like class labels");
        } else if (sh->ncol > fc && label_like(p, end, sh->sep, sh->ncol, &dl) &&
                   names_column(p, end, sh->sep, sh->ncol) > names_column(p, end, sh->sep, fc)) { /* a table's class names last, a count
                                                                                                  * first (pima's npreg) */
            char fn[80] = "";
            lcol = LABEL_LAST;
            head_name(sh, sh->ncol, hn, sizeof hn), head_name(sh, fc, fn, sizeof fn);
            label_like(p, end, sh->sep, fc, &d1);
            note_say(sh->note, sizeof sh->note, "%.300s: the label is taken from the last column%s (%zu names); the %s%s (%zu numbers) "
                     "looks like labels too: give --label-col %zu if it holds them", name, hn, dl, ordinal(fc), fn, d1, fc);
        } else if (sh->ncol > fc) { /* say which was taken, and why */
            int like = label_like(p, end, sh->sep, fc, &d1);
            head_name(sh, fc, hn, sizeof hn);
            if (!like && sh->head && o->may_table) /* a table's label must be chosen: no model of a label nn doubts */
                snprintf(sh->doubt, sizeof sh->doubt, "no column looks like class labels (whole numbers or names, each repeated): "
                         "not the %s%s, nor the last, and no header names one label, class, target or y; give --label-col NAME "
                         "for the classes, or --target NAME to predict a number", ordinal(fc), hn);
            else if (!like && !o->quiet_label)
                note_say(sh->note, sizeof sh->note, "%.300s: the label is taken from the %s column%s, though neither it nor the last "
                         "column looks like class labels (whole numbers or names, each repeated), and no header names one label, class, "
                         "target or y; give --label-col, or --target to predict a number",
                         name, ordinal(fc), hn);
            else if (dl >= 2 && label_like(p, end, sh->sep, sh->ncol, &dl))
                note_say(sh->note, sizeof sh->note, "%.300s: the label is taken from the %s column%s (%zu values); the last "
                         "(%zu values) looks like labels too: give --label-col last if it holds them", name, ordinal(fc), hn, d1, dl);
            else if (!o->quiet_label)
                note_say(sh->note, sizeof sh->note, "%.300s: the label is taken from the %s column%s (%s%zu value%s); give "
                         "--label-col to choose another", name, ordinal(fc), hn, d1 > 256 ? "more than " : "", d1 > 256 ? (size_t)256 : d1, plural(d1));
        }
    }
    sh->lc = lcol == LABEL_LAST ? sh->ncol : (size_t)lcol;
    where_line(where, name, *line + 1);
    if (sh->lc > sh->ncol) return fail(err, where, "--label-col %zu, but the line has only %zu columns", sh->lc, sh->ncol);
    if (sh->lc == sh->skip) sh->skip = 0; /* (the label named so) */
    sh->d = sh->ncol - (sh->lc != 0) - (sh->skip != 0);
    *pp = p;
    return 0;
}


/* Find name [b, e) (quoted: "" stands for ") in names[0..n); the index, or
 * -1.  The text is unescaped into tmp (at least e - b + 1 bytes). */
/* The index of text among a model's n names (classes or categories): the
 * same text, or else, for a text that is a number, a name that is the same
 * number, as pandas writes R's level "6" as 6.0 once its column has a
 * missing value, and for true or false, the same in any case (R's TRUE,
 * pandas' True); or -1. */
static long level_find(char *const *names, size_t n, const char *text)
{
    const char *t = text, *end = text + strlen(text);
    double v, w;
    for (size_t i = 0; i < n; i++)
        if (!strcmp(names[i], text)) return (long)i;
    if (!strcasecmp(text, "true") || !strcasecmp(text, "false")) { /* R's TRUE is pandas' True */
        for (size_t i = 0; i < n; i++)
            if (!strcasecmp(names[i], text)) return (long)i;
        return -1;
    }
    if (scan_number(&t, end, &v) || t != end || !isfinite(v)) return -1;
    for (size_t i = 0; i < n; i++) {
        const char *u = names[i], *ue = u + strlen(u);
        if (!scan_number(&u, ue, &w) && u == ue && w == v) return (long)i;
    }
    return -1;
}

/* The label's index among names, into tmp its text: the same text, or for
 * a model's names (known) also the same number; or -1. */
static long name_find(char *const *names, size_t n, const char *b, const char *e, int quoted, int known, char *tmp)
{
    field_text(b, e, quoted, tmp, (size_t)(e - b) + 1);
    if (known) return level_find(names, n, tmp);
    for (size_t i = 0; i < n; i++)
        if (!strcmp(names[i], tmp)) return (long)i;
    return -1;
}

/* The class labels of rows rows, from their texts lt (rows, 2), whether
 * each was quoted (lq) and its line (lno): whole numbers 0..65535, or
 * names: when any label is not a whole number, or in training every label
 * is quoted (R's factor levels "4", "6"), every label is a name and
 * the classes are the names sorted (sort_classes; or o->names,
 * when given, which every label must be one of).  Fills y (rows) and, for
 * names, *names (*nnames).  Returns 0 or -1. */
static int csv_labels(const char *const *lt, const char *lq, const size_t *lno, size_t rows, size_t lc, size_t maxlen,
                      const CsvOpt *o, const char *name, int32_t *y, char ***pnames, size_t *pnnames, Err *err)
{
    char where[NN_WHERE], *tmp = NULL, **names = NULL;
    size_t nnames = 0, badnum = 0, first_name = 0;
    double badv = 0;
    int rc = 0, numeric = 1;
    for (size_t r = 0; r < rows; r++) {
        double v;
        const char *t = lt[2 * r];
        if (!scan_number(&t, lt[2 * r + 1], &v) && t == lt[2 * r + 1]) { /* a number, quoted or not: a class index */
            if (!o->names && !(v >= 0 && v < NN_MAX_CLASSES && v == floor(v)) && !badnum) badnum = lno[r], badv = v;
            y[r] = v >= 0 && v < NN_MAX_CLASSES ? (int32_t)v : 0;
        } else {
            if (numeric) first_name = r;
            numeric = 0;
        }
    }
    if (numeric && rows && o->may_table && !o->names && !o->numbered) { /* quoted in every row: R's factor levels ("4", "6"), names */
        size_t q = 0;
        while (q < rows && lq[q]) q++;
        if (q == rows) numeric = 0, badnum = 0;
    }
    if (numeric && badnum) { /* all numbers, one of them not a class */
        where_line(where, name, badnum);
        return fail(err, where, "column %zu: label %g is not a whole number from 0 to %d%s", lc, badv, NN_MAX_CLASSES - 1,
                    o->may_table ? " (a class is a whole number or a name); to predict the number itself, "
                                   "name its column with --target (a regression)" : "");
    }
    if (!numeric && o->numbered && o->number_names) { /* numbers, or the names given to them */
        for (size_t r = 0; r < rows; r++) {
            double v;
            const char *t = lt[2 * r];
            size_t len = (size_t)(lt[2 * r + 1] - lt[2 * r]), k = 0;
            if (!scan_number(&t, lt[2 * r + 1], &v) && t == lt[2 * r + 1]) continue; /* (y holds it) */
            while (k < o->nnumber_names && (strlen(o->number_names[k]) != len || memcmp(o->number_names[k], lt[2 * r], len))) k++;
            if (k == o->nnumber_names) {
                where_line(where, name, lno[r]);
                return fail(err, where, "label '%.*s' is neither a class number nor one of the model's class names (%s, %s, ...)",
                            (int)(len > 60 ? 60 : len), lt[2 * r], o->number_names[0], o->nnumber_names > 1 ? o->number_names[1] : "");
            }
            y[r] = (int32_t)k;
        }
        return 0;
    }
    if (!numeric && o->numbered) { /* names against numbered classes: never matched by accident */
        where_line(where, name, lno[first_name]);
        return fail(err, where, "label '%.*s' is a name, but the classes of the model are numbers 0 to %zu",
                    (int)(lt[2 * first_name + 1] - lt[2 * first_name] > 60 ? 60 : lt[2 * first_name + 1] - lt[2 * first_name]),
                    lt[2 * first_name], o->nnames - 1);
    }
    if (numeric && !o->names) return 0;
    { /* labels are names */
        size_t cap = o->names ? o->nnames : 0;
        if (o->names) {
            int ok = 1;
            names = names_dup(o->names, o->nnames, &ok), nnames = o->nnames;
            if (!ok) rc = fail(err, name, "out of memory");
        }
        if (!(tmp = malloc(maxlen + 1))) rc = fail(err, name, "out of memory");
        for (size_t r = 0; !rc && r < rows; r++) {
            long k = name_find(names, nnames, lt[2 * r], lt[2 * r + 1], lq[r], o->names != NULL, tmp);
            if (k < 0 && o->names) {
                where_line(where, name, lno[r]);
                rc = fail(err, where, "label '%.60s' is not one of the %zu classes the model knows", tmp, nnames);
            } else if (k < 0) {
                if (nnames == NN_MAX_CLASSES) {
                    rc = fail(err, name, "more than %d class names", NN_MAX_CLASSES);
                    break;
                }
                if (nnames == cap) {
                    char **nn = realloc(names, (cap = cap ? 2 * cap : 16) * sizeof *nn);
                    if (!nn) {
                        rc = fail(err, name, "out of memory");
                        break;
                    }
                    names = nn;
                }
                if (!(names[nnames] = malloc(strlen(tmp) + 1))) {
                    rc = fail(err, name, "out of memory");
                    break;
                }
                strcpy(names[nnames], tmp);
                k = (long)nnames++;
            }
            if (!rc) y[r] = (int32_t)k;
        }
    }
    free(tmp);
    if (!rc && !o->names && sort_classes(names, nnames, y, rows)) rc = fail(err, name, "out of memory");
    if (rc) {
        names_free(names, nnames);
        return -1;
    }
    *pnames = names, *pnnames = nnames;
    return 0;
}

/* Set d->nclass from d->y (and d->names). */
static void count_classes(Data *d)
{
    d->nclass = 0;
    for (size_t r = 0; d->y && r < d->n; r++)
        if ((size_t)d->y[r] + 1 > d->nclass) d->nclass = (size_t)d->y[r] + 1;
}

/* While a large file is read: a line on stderr every NN_PROGRESS_SECONDS
 * (from the first such interval on), how far it has got; *last holds the
 * time of the start, then of the last line.  Looked at every 4096 rows. */
static void load_progress(const char *name, size_t rows, size_t done, size_t len, double *last, int quiet)
{
    double now;
    if (quiet || (rows & 4095) || (now = now_seconds()) - *last < NN_PROGRESS_SECONDS) return;
    *last = now;
    say("%s: reading, %zu rows so far, %.0f%% of the file", name, rows, 100.0 * (double)done / (double)(len ? len : 1));
}

/* Training on numbers under a header that named_header does not read as a
 * table's (more than NN_TABLE_NAMED columns, pandas' 0, 1, 2 ...): the
 * model keeps the names as a table of number columns (the label, row names
 * left out), so that predict and eval find the columns by name, as for any
 * table, and a file with its columns in another order is read right, not
 * by position.  The rows were read as plain numbers, with the textbook's
 * defaults; a missing value later takes the column's mean, as a table's.  Names
 * repeated or empty leave the model without names, as a file without a
 * header, and that is said; so does scikit-learn's first line, a count of
 * rows and features. */

/* Whether names count 0, 1, 2 ... (perhaps after an empty first one), as
 * pandas names an array's columns: no names a user gave. */
static int counting_names(char *const *names, size_t n)
{
    size_t k = n && !*names[0];
    for (size_t c = k; c < n; c++) {
        const char *h = names[c], *e = h + strlen(h);
        double v;
        if (scan_number(&h, e, &v) || h != e || v != (double)(c - k)) return 0;
    }
    return n > k;
}

/* Whether a training file's header names its columns as a table's: a
 * name each (the first may be empty: row names), none twice, not pandas'
 * 0, 1, 2 ..., not scikit-learn's count line, over at most NN_TABLE_NAMED
 * columns.  Such a file is read as a table (load_table): its summary, id
 * warnings and missing values as any table's. */
static int named_header(const CsvShape *sh, const char *end)
{
    size_t nh = 0;
    char **hdr = shape_header(sh, &nh);
    int ok = hdr && nh == sh->ncol && sh->d <= NN_TABLE_NAMED && !counting_names(hdr, nh);
    for (size_t a = 0; ok && a < nh; a++) {
        ok = *hdr[a] || a == 0;
        for (size_t b = a + 1; ok && b < nh; b++) ok = strcmp(hdr[a], hdr[b]) != 0;
    }
    if (ok && nh >= 3) { /* scikit-learn's first line: the counts of rows and features, then the class names */
        double v[2];
        int nums = 0;
        size_t rows = 0;
        for (int k = 0; k < 2; k++) {
            const char *h = hdr[k], *e = h + strlen(h);
            nums += !scan_number(&h, e, &v[k]) && h == e;
        }
        for (const char *q = sh->head_end; nums == 2 && q && q < end; q++) rows += *q == '\n';
        ok = !(nums == 2 && v[1] + 1 == (double)sh->ncol && fabs(v[0] - (double)rows) <= 1);
    }
    names_free(hdr, nh);
    return ok;
}

static int numbers_table(const CsvShape *sh, Data *d, const char *name, int quiet, Err *err)
{
    size_t nh = 0, f = 0;
    char **hdr = shape_header(sh, &nh);
    Table *t = &d->tab;
    if (!hdr) return fail(err, name, "out of memory");
    if (nh != sh->ncol) return names_free(hdr, nh), 0; /* (a summary line, not names) */
    if (nh >= 3) { /* scikit-learn's first line counts the rows and features, then names the classes: no column names */
        double v[2];
        int counts = 1;
        for (int k = 0; k < 2; k++) {
            const char *h = hdr[k], *e = h + strlen(h);
            counts &= !scan_number(&h, e, &v[k]) && h == e;
        }
        if (counts && v[0] == (double)d->n && v[1] == (double)d->d) return names_free(hdr, nh), 0;
    }
    for (size_t a = 0; a < nh; a++) {
        int bad = !*hdr[a] && a + 1 != sh->skip;
        for (size_t b = a + 1; b < nh && !bad; b++) bad = !strcmp(hdr[a], hdr[b]);
        if (bad) {
            if (!quiet)
                say("%s: warning: the header names %s column%s '%.60s'%s: the model keeps no column names, and predict reads "
                    "its columns by position", name, *hdr[a] ? "two" : "a", *hdr[a] ? "s" : "", hdr[a], *hdr[a] ? "" : " (empty)");
            return names_free(hdr, nh), 0;
        }
    }
    if (!(t->col = calloc(nh, sizeof *t->col))) return names_free(hdr, nh), fail(err, name, "out of memory");
    t->ncol = (uint32_t)nh, t->missing = MISS_MEAN; /* (a missing value at predict: the column's mean, as a table's) */
    for (size_t c = 0; c < nh; c++) {
        Column *C = &t->col[c];
        C->name = hdr[c], hdr[c] = NULL;
        if (c + 1 == sh->lc) C->kind = COL_LABEL;
        else if (c + 1 == sh->skip) C->kind = COL_IGNORED;
        else {
            double sum = 0;
            for (size_t i = 0; i < d->n; i++) sum += d->xf[i * d->d + f];
            C->kind = COL_NUMBER, C->fill = (float)(sum / (double)d->n), f++;
        }
    }
    free(hdr);
    return 0;
}

/* Load a CSV image (buf stays owned by the caller): every column but the
 * label is a number; labels as csv_labels reads them.  Returns 0, -1, or
 * -2 without a message when o->may_table and a feature column holds a
 * name or a missing value: the caller reads the file as a table. */
static int load_csv(const uint8_t *ubuf, size_t len, const char *name, const CsvOpt *o, Data *d, Err *err)
{
    const char *buf = (const char *)ubuf, *end = buf + len, *p = buf;
    char where[NN_WHERE];
    size_t lines = 1, line = 0, rows = 0, cells, *lno = NULL, nnames = 0;
    CsvShape sh;
    float *x;
    int32_t *y = NULL;
    const char **lt = NULL; /* (rows, 2) label texts */
    char *lq = NULL, **names = NULL;
    int rc = 0;
    memset(d, 0, sizeof *d);
    for (const char *q = buf; q < end; q++) lines += *q == '\n';
    if (csv_shape(&p, end, &line, o, name, &sh, err)) return -1;
    if (o->may_table && sh.head && named_header(&sh, end)) return -2; /* a table of numbers */
    snprintf(d->note, sizeof d->note, "%s", sh.note);
    if (sh.doubt[0]) note_say(d->note, sizeof d->note, "%.300s: warning: %s", name, sh.doubt);
    d->d = sh.d, d->lc = sh.lc, d->headed = sh.head != NULL;
    if (mul_ok(lines, d->d, &cells) || cells > NN_MAX_FILE)
        return fail(err, name, "too many values (%zu lines of %zu)", lines, d->d);
    x = alloc_array(cells, sizeof(float));
    if (sh.lc && (!(y = alloc_array(lines, sizeof(int32_t))) || !(lt = alloc_array(lines * 2, sizeof *lt)) ||
                  !(lq = alloc_array(lines, 1)) || !(lno = alloc_array(lines, sizeof *lno))))
        rc = fail(err, name, "out of memory for %zu labels", lines);
    if (!x && !rc) rc = fail(err, name, "out of memory for %zu values", cells);
    d->maxabs = 0;
    for (double t0 = now_seconds(); !rc && p < end; line++) {
        const char *eol = line_end(p, end), *lab[2] = {NULL, NULL};
        int isq = 0;
        CsvBad bad;
        memset(&bad, 0, sizeof bad);
        load_progress(name, rows, (size_t)(p - buf), len, &t0, o->quiet);
        if (!skip_line(p, eol)) {
            if (csv_row(p, eol, sh.sep, sh.ncol, sh.lc, sh.skip, 1.0f, x + rows * d->d, lab, &isq, &bad)) {
                if (o->may_table && bad.kind == BAD_NUMBER && bad.col != sh.lc && field_kind(bad.text, bad.text + bad.len) != FLD_NUMBER) {
                    rc = -2;
                    break;
                }
                where_line(where, name, line + 1);
                rc = csv_fail(err, where, &bad, sh.ncol);
                break;
            }
            for (size_t i = 0; i < d->d; i++)
                if (fabsf(x[rows * d->d + i]) > d->maxabs) d->maxabs = fabsf(x[rows * d->d + i]);
            if (y) lt[2 * rows] = lab[0], lt[2 * rows + 1] = lab[1], lq[rows] = (char)isq, lno[rows] = line + 1;
            rows++;
        }
        p = eol + 1;
    }
    if (!rc && rows == 0) rc = fail(err, name, "no data rows");
    if (!rc && y && !sh.head && o->header < 0 && rows >= 3) { /* a header of numbers (years) but the label's name, read as data? */
        size_t others = 0;
        double v;
        for (size_t i = 0; i < rows; i++) {
            const char *s = lt[2 * i];
            int num = !scan_number(&s, lt[2 * i + 1], &v) && s == lt[2 * i + 1];
            if (i == 0 && num) break;
            others += i > 0 && num;
        }
        if (others + 1 == rows)
            rc = fail(err, name, "line %zu: its label '%.*s' is the only one that is not a number: is that line a header (of names "
                      "that are numbers, as years)? give --header yes", lno[0], (int)(lt[1] - lt[0] > 40 ? 40 : lt[1] - lt[0]), lt[0]);
    }
    if (!rc && y && csv_labels(lt, lq, lno, rows, sh.lc, len, o, name, y, &names, &nnames, err)) rc = -1;
    free(lt), free(lq), free(lno);
    if (rc) {
        free(x), free(y);
        return rc;
    }
    d->n = rows, d->xf = x, d->own_x = x, d->y = y, d->own_y = y;
    count_classes(d);
    if (names) d->names = names, d->nclass = nnames; /* every name is a class, seen or not */
    snprintf(d->name, sizeof d->name, "%s", name);
    if (o->may_table && !sh.head && rows >= 3 && d->d >= 2 && sh.lc != 1 && !sh.skip && (x[0] == 0 || x[0] == 1)) {
        size_t r = 1; /* training on rows without a header whose first feature counts 0, 1, 2 ...: pandas' index? */
        while (r < rows && x[r * d->d] == x[0] + (float)r) r++;
        if (r == rows)
            note_say(d->note, sizeof d->note, "%.300s: warning: column 1 counts %g, %g, %g ... %g like an index (pandas' to_csv "
                     "writes one) and is read as a feature; if it is one, give --ignore 1", name, (double)x[0], (double)x[0] + 1,
                     (double)x[0] + 2, (double)x[0] + (double)(rows - 1));
    }
    if (o->may_table && sh.head && numbers_table(&sh, d, name, o->quiet, err)) {
        data_free(d);
        return -1;
    }
    return 0;
}

/* ======================================================================== */
/* @@table tables                                                          */
/* ======================================================================== */

/* A CSV file read as a table (pandas' or a spreadsheet's): columns are
 * named by a header, some are not numbers (categories, free text), some
 * values are missing, and the target may be a real number.  Training reads
 * it in two passes: the first decides what each column is (--target,
 * --label-col, --ignore, else a number, or a category when its values are
 * names) and gathers the means and the categories; the second encodes each
 * row through that Table, as predict, eval and export do later with the
 * Table the model keeps. */

/* How the fields of a file's lines map onto a Table: file column j is
 * table column src[j] (or -1: not used); table column c's features start at
 * off[c], a target's value goes to t[tix[c]]. */
typedef struct {
    const Table *tab;
    size_t nfile;
    int32_t src[NN_MAX_WIDTH + 1];
    size_t off[NN_MAX_WIDTH + 1], tix[NN_MAX_WIDTH + 1];
    size_t nx, nt;
    int has_label, has_target; /* the file holds the label / every target */
    int fill_drop;             /* training with --missing drop: a missing feature drops the row */
    int moved;                 /* the file's columns, found by name, are in another order than the table's */
    int fill_later;            /* a missing number is NaN (CsvOpt.fill_later) */
} RowPlan;

/* What encoding a row found beside its values. */
typedef struct {
    size_t filled;          /* missing numbers filled in with the training mean */
    size_t unseen_rows;     /* rows with a category not seen in training */
    size_t nun;             /* the first few such categories: */
    size_t ucol[3];         /* ...their table columns */
    char utext[3][64];      /* ...and texts ("": a missing value in a column that had none) */
    int more;               /* and others */
} RowNote;

/* Add what b saw to a. */
static void note_add(RowNote *a, const RowNote *b)
{
    a->filled += b->filled, a->unseen_rows += b->unseen_rows;
    for (size_t i = 0; i < b->nun; i++) {
        size_t j = 0;
        while (j < a->nun && (a->ucol[j] != b->ucol[i] || strcmp(a->utext[j], b->utext[i]))) j++;
        if (j == a->nun && a->nun < 3) a->ucol[a->nun] = b->ucol[i], memcpy(a->utext[a->nun++], b->utext[i], 64);
        else if (j == a->nun) a->more = 1;
    }
    a->more |= b->more;
}

static const char *col_label(const Table *tab, size_t c, char *buf, size_t cap);

/* The warning for categories not seen in training, if any. */
static void note_unseen_text(const RowNote *n, const Table *tab, char *out, size_t cap)
{
    char list[400] = "", cl[80];
    size_t used = 0;
    for (size_t i = 0; i < n->nun && used < sizeof list; i++)
        used += (size_t)snprintf(list + used, sizeof list - used, n->utext[i][0] ? "%s'%s' in column %s" : "%s%sa missing value in column %s",
                                 i ? ", " : "", n->utext[i], col_label(tab, n->ucol[i], cl, sizeof cl));
    snprintf(out, cap, "%zu row%s with a category not seen in training (its one-hot inputs are all 0): %s%s", n->unseen_rows,
             plural(n->unseen_rows), list, n->more ? ", ..." : "");
}

static void note_unseen(const RowNote *n, const Table *tab, const char *name)
{
    char t[600];
    if (!n->unseen_rows) return;
    note_unseen_text(n, tab, t, sizeof t);
    say("warning: %s: %s", name, t);
}

/* Encode the line [p, eol) through plan: features into x (nx), targets
 * into t (nt) when the file has them, the label's text into label[0..1].
 * Returns 0; 1 when the row has no target or label, 2 when (training with
 * --missing drop) it has a missing feature: it is skipped; or -1 with *bad
 * filled. */
static int table_row_fields(const char *p, const char *eol, int sep, const RowPlan *P, float *x, float *t, const char **label,
                            int *lq, RowNote *note, CsvBad *bad);

static int table_row(const char *p, const char *eol, int sep, const RowPlan *P, float *x, float *t, const char **label,
                     int *lq, RowNote *note, CsvBad *bad)
{
    int r = table_row_fields(p, eol, sep, P, x, t, label, lq, note, bad);
    if (r < 0 && bad->kind != BAD_COUNT && bad->kind != BAD_QUOTE) { /* a row of the wrong width: said as that, not as
                                                                       * a field that is out of place */
        size_t badcol;
        long nf = csv_fields(p, eol, sep, &badcol);
        if (nf >= 0 && (size_t)nf != P->nfile)
            bad->kind = BAD_COUNT, bad->nf = (size_t)nf, bad->col = P->nfile, bad->cname = NULL,
            bad->spaced = (sep == ' ' || sep == '\t') | escaped_quote(p, eol) << 1;
    }
    return r;
}

static int table_row_fields(const char *p, const char *eol, int sep, const RowPlan *P, float *x, float *t, const char **label,
                            int *lq, RowNote *note, CsvBad *bad)
{
    CsvIt it;
    const char *fb = p, *fe = p;
    size_t k = 0;
    int q, r, skip = 0, unseen = 0;
    char tmp[NN_MAX_NAME + 1];
    it.p = p, it.eol = eol, it.sep = sep, it.done = 0;
    bad->cname = NULL, bad->trail = 0;
    memset(x, 0, P->nx * sizeof *x);
    while ((r = csv_next(&it, &fb, &fe, &q)) == 1) {
        const Column *C;
        int32_t c;
        int kind;
        if (++k > P->nfile || (c = P->src[k - 1]) < 0) continue;
        C = &P->tab->col[c];
        kind = field_kind_q(fb, fe, q);
        bad->col = k, bad->text = fb, bad->len = (size_t)(fe - fb), bad->cname = C->name ? C->name : "";
        if (C->kind == COL_LABEL) {
            if (kind == FLD_MISSING) skip = 1;
            label[0] = fb, label[1] = fe, *lq = q;
        } else if (C->kind == COL_NUMBER || C->kind == COL_TARGET) {
            double v;
            const char *s = fb;
            float fv;
            if (kind == FLD_MISSING) {
                if (C->kind == COL_TARGET) skip = 1;
                else if (P->tab->missing == MISS_ERROR) return bad->kind = BAD_MISSING, -1;
                else {
                    skip |= P->fill_drop ? 2 : 0;
                    x[P->off[c]] = P->fill_later ? NAN : C->fill, note->filled++;
                }
                continue;
            }
            if (scan_number(&s, fe, &v) == -2 && s == fe) return bad->kind = BAD_RANGE, -1;
            if (kind != FLD_NUMBER || s != fe) return bad->kind = BAD_NUMBER, -1;
            if (!isfinite(fv = (float)v)) return bad->kind = BAD_RANGE, -1;
            if (C->kind == COL_TARGET) t[P->tix[c]] = fv;
            else x[P->off[c]] = fv;
        } else if (C->kind == COL_CATEGORY) {
            size_t n = kind == FLD_MISSING ? 0 : field_text(fb, fe, q, tmp, sizeof tmp), j = 0;
            long miss = -1; /* the column's category of missing values, if training saw any */
            for (uint32_t k2 = 0; k2 < C->ncat && miss < 0; k2++)
                if (!*C->cats[k2]) miss = (long)k2;
            if (kind == FLD_MISSING && fe > fb && (size_t)(fe - fb) < sizeof tmp && miss < 0) { /* a bare None or NA the model
                                                                                               * knows as a level (R's "None",
                                                                                               * written unquoted); where it
                                                                                               * knows missing values too, the
                                                                                               * quotes told them apart */
                long f;
                memcpy(tmp, fb, (size_t)(fe - fb)), tmp[fe - fb] = 0;
                if ((f = level_find(C->cats, C->ncat, tmp)) >= 0 && *C->cats[f]) kind = FLD_NAME, n = (size_t)(fe - fb);
            }
            if (kind == FLD_MISSING) {
                tmp[0] = 0;
                if (P->tab->missing == MISS_ERROR) return bad->kind = BAD_MISSING, -1;
                skip |= P->fill_drop ? 2 : 0;
            }
            if (n == SIZE_MAX) j = C->ncat;
            else {
                long f = level_find(C->cats, C->ncat, tmp);
                j = f < 0 ? C->ncat : (size_t)f;
            }
            if (j < C->ncat) x[P->off[c] + j] = 1.0f;
            else {
                size_t u = 0;
                unseen = 1;
                if (n == SIZE_MAX) strcpy(tmp, "(a long text)");
                while (u < note->nun && (note->ucol[u] != (size_t)c || strncmp(note->utext[u], tmp, 63))) u++;
                if (u == note->nun && u < 3) note->ucol[u] = (size_t)c, snprintf(note->utext[u], 64, "%.60s", tmp), note->nun++;
                else if (u == note->nun) note->more = 1;
            }
        }
    }
    bad->cname = NULL;
    if (r < 0) {
        bad->kind = BAD_QUOTE, bad->col = k + 1, bad->text = fb, bad->len = (size_t)(fe - fb);
        return -1;
    }
    if (k != P->nfile) {
        bad->kind = BAD_COUNT, bad->nf = k, bad->col = P->nfile, bad->spaced = (sep == ' ' || sep == '\t') | escaped_quote(p, eol) << 1;
        return -1;
    }
    note->unseen_rows += unseen && !skip;
    return skip;
}

/* The header's field texts (unescaped, malloc'd; *n of them), or NULL. */
static char **header_fields(const char *p, const char *eol, int sep, size_t *n)
{
    CsvIt it;
    const char *fb, *fe;
    int q;
    size_t cap = 0;
    char **f = NULL, tmp[NN_MAX_NAME + 1];
    *n = 0;
    it.p = p, it.eol = eol, it.sep = sep, it.done = 0;
    while (csv_next(&it, &fb, &fe, &q) == 1) {
        size_t len = field_text(fb, fe, q, tmp, sizeof tmp);
        if (len == SIZE_MAX) len = 0, tmp[0] = 0;
        if (*n == cap) {
            char **g = realloc(f, (cap = cap ? 2 * cap : 16) * sizeof *g);
            if (!g) return names_free(f, *n), *n = 0, NULL;
            f = g;
        }
        if (!(f[*n] = malloc(len + 1))) return names_free(f, *n), *n = 0, NULL;
        memcpy(f[*n], tmp, len + 1), ++*n;
    }
    return f;
}

/* The names of sh's header, a column each: R's write.table leaves its
 * row names unnamed, so a header a name short gets "" first. */
static char **shape_header(const CsvShape *sh, size_t *n)
{
    char **f = header_fields(sh->head, sh->head_end, sh->sep, n), **g, *e;
    if (!f || !sh->short_head) return f;
    if (!(e = calloc(1, 1)) || !(g = realloc(f, (*n + 1) * sizeof *g))) {
        free(e), names_free(f, *n), *n = 0;
        return NULL;
    }
    memmove(g + 1, g, *n * sizeof *g), g[0] = e, ++*n;
    return g;
}

/* Column spec s[0..len) -- a number from 1, first, last, or a header name
 * -- as a 0-based column of ncol (header names hdr, or NULL).  A number is
 * a position and first and last are words even when a header names another
 * column so (pandas names columns 0, 1, 2 ...): that is said on stderr.
 * Returns the column, or -1 with a message naming opt. */
static long column_of(const char *s, size_t len, char *const *hdr, size_t ncol, const char *opt, const char *name, Err *err)
{
    size_t k;
    long c = -1, named = -1;
    char txt[256];
    snprintf(txt, sizeof txt, "%.*s", (int)(len > 200 ? 200 : len), s);
    for (size_t j = 0; hdr && j < ncol && named < 0; j++)
        if (strlen(hdr[j]) == len && !memcmp(hdr[j], s, len)) named = (long)j;
    if (!strcmp(txt, "first")) c = 0;
    else if (!strcmp(txt, "last")) c = (long)ncol - 1;
    else if (!parse_size(txt, NN_MAX_WIDTH + 1, &k) && k >= 1) {
        if (k > ncol) return fail(err, name, "%s %zu, but the file has %zu columns", opt, k, ncol), -1;
        c = (long)k - 1;
    }
    if (c >= 0) {
        if (named >= 0 && named != c)
            say("%s: %s %s is column %ld; the column named '%s' is column %ld (a number counts columns from 1)", name, opt, txt,
                c + 1, txt, named + 1);
        return c;
    }
    if (named >= 0) return named;
    if (!parse_size(txt, NN_MAX_WIDTH + 1, &k)) return fail(err, name, "%s %s: columns count from 1", opt, txt), -1;
    if (!hdr) return fail(err, name, "%s '%s': line 1 was not taken as a header, so the columns have no names (give a number, "
                          "or --header yes)", opt, txt), -1;
    {
        char list[400] = "";
        size_t used = 0;
        int comma = 0;
        for (size_t j = 0; j < ncol; j++) comma |= strchr(hdr[j], ',') != NULL;
        for (size_t j = 0; j < ncol && used + 2 < sizeof list; j++)
            used += (size_t)snprintf(list + used, sizeof list - used, strchr(hdr[j], ',') || !*hdr[j] ? "%s'%.60s'" : "%s%.60s",
                                     j ? ", " : "", hdr[j]);
        for (size_t j = 0; j < ncol; j++) /* a different case is a likely slip: say so */
            if (strlen(hdr[j]) == len && !strncasecmp(hdr[j], s, len))
                return fail(err, name, "%s '%s': no such column; did you mean '%s'? (names are case-sensitive)", opt, txt, hdr[j]), -1;
        return fail(err, name, "%s '%s': no such column; the header names %s%s%s", opt, txt, list, used + 2 >= sizeof list ? "..." : "",
                    comma ? " (a name with a comma: quote it, '\"a, b\"', or give its number)" : ""), -1;
    }
}

/* The item of a comma-separated list of columns that starts at p: its
 * text, up to *end (a ',', the end, or the closing quote of an item
 * quoted as "a, b", a name with a comma). */
static const char *list_item(const char *p, const char **end)
{
    const char *e;
    if (*p == '"' && (e = strchr(p + 1, '"')) && (e[1] == ',' || !e[1])) return *end = e, p + 1;
    *end = p + strcspn(p, ",");
    return p;
}

/* Mark the columns of the comma-separated list `list` (option opt) as
 * kind in kinds[0..ncol); a column already marked is an error. */
static int mark_columns(const char *list, int kind, const char *opt, char *const *hdr, size_t ncol, int *kinds,
                        const char *name, Err *err)
{
    static const char *const what[COL_COUNT] = {"", "", "a category", "the label", "a target", "ignored"};
    const char *p = list;
    for (;;) {
        const char *e, *b = list_item(p, &e);
        size_t len = (size_t)(e - b);
        long c;
        e = *e == '"' ? e + 1 : e, e = *e == ',' ? e : NULL;
        c = column_of(b, len, hdr, ncol, opt, name, err);
        if (c < 0) return -1;
        if (kinds[c]) {
            char cn[80];
            if (hdr && *hdr[c]) snprintf(cn, sizeof cn, "'%.60s'", hdr[c]);
            else snprintf(cn, sizeof cn, "%zu", (size_t)c + 1);
            return fail(err, name, "%s: column %s is %s already", opt, cn, what[kinds[c]]);
        }
        kinds[c] = kind;
        if (!e) return 0;
        p = e + 1;
    }
}

/* Lay out the features of tab's columns (plan->off, tix, nx, nt). */
static void plan_layout(const Table *tab, RowPlan *P)
{
    P->tab = tab, P->nx = P->nt = 0;
    for (uint32_t c = 0; c < tab->ncol; c++) {
        const Column *C = &tab->col[c];
        P->off[c] = P->nx, P->tix[c] = P->nt;
        P->nx += C->kind == COL_NUMBER ? 1 : C->kind == COL_CATEGORY ? C->ncat : 0;
        P->nt += C->kind == COL_TARGET;
    }
}

static size_t lt_column(const Table *tab);

/* The plan for reading a file of nfile columns (header names hdr, or
 * NULL) through a model's table: by name when both have names, else by
 * position, the label and target columns present or all left out.
 * --label-col (o) names the file's column that holds the model's label: by
 * name in a header, or by position in rows without one (the others then
 * the model's columns in order). */
static int table_plan(const Table *tab, char *const *hdr, size_t nfile, RowPlan *P, const char *name, const CsvOpt *o, Err *err)
{
    size_t nlt = 0, nmiss = 0, lc = lt_column(tab), lj = SIZE_MAX;
    int named = hdr != NULL, given = o && (o->label_name || o->label_col >= 1 || o->label_col == LABEL_LAST);
    plan_layout(tab, P);
    P->nfile = nfile, P->fill_drop = 0, P->moved = 0;
    for (uint32_t c = 0; c < tab->ncol; c++) {
        nlt += tab->col[c].kind == COL_LABEL || tab->col[c].kind == COL_TARGET;
        named &= tab->col[c].name != NULL;
    }
    if (given && (lc >= tab->ncol || tab->col[lc].kind != COL_LABEL || nlt != 1))
        return fail(err, name, "--label-col names a classifier's label column, and the model %s",
                    lc < tab->ncol ? "is a regression: it finds its targets by the names of the table it was trained on" : "has no label");
    if (given && named) { /* --label-col NAME (or a number): that column is the model's label, whatever its name */
        if (o->label_name) {
            for (lj = 0; lj < nfile && strcmp(hdr[lj], o->label_name); lj++) {}
            if (lj == nfile) return fail(err, name, "--label-col '%.60s': no such column in the header", o->label_name);
        } else if ((lj = o->label_col == LABEL_LAST ? nfile - 1 : (size_t)o->label_col - 1) >= nfile) {
            return fail(err, name, "--label-col %d, but the header names %zu columns", o->label_col, nfile);
        }
        for (uint32_t c = 0; c < tab->ncol; c++)
            if (tab->col[c].name && !strcmp(tab->col[c].name, hdr[lj]) && (tab->col[c].kind == COL_NUMBER || tab->col[c].kind == COL_CATEGORY))
                return fail(err, name, "--label-col: column '%.60s' is one of the model's features, not its label ('%.60s'); "
                            "--label-col names the file's column that holds the label when it is named otherwise", hdr[lj], tab->col[lc].name);
    }
    if (given && !named) { /* rows without a header: the label where --label-col says, the others the model's in order */
        size_t nrn = 0, j = 0, skip_rn, lf = o->label_col == LABEL_LAST ? nfile : o->label_col >= 1 ? (size_t)o->label_col : 0;
        if (!lf) return fail(err, name, "--label-col '%.60s': the file has no header to find it in; give its number", o->label_name);
        while (nrn < tab->ncol && tab->col[nrn].kind == COL_IGNORED && tab->col[nrn].name &&
               (nrn ? unnamed_k(tab->col[nrn].name) : row_names_name(tab->col[nrn].name)))
            nrn++;
        if (lf > nfile || (nfile != tab->ncol && (!nrn || nfile != tab->ncol - nrn)))
            return fail(err, name, "--label-col %zu: %zu columns, but the model's table has %u (the label among them%s)", lf, nfile,
                        tab->ncol, nrn ? ", fewer without its row names" : "");
        skip_rn = nfile != tab->ncol ? nrn : 0;
        for (size_t c = skip_rn; c < tab->ncol; c++) {
            if (c == lc) continue;
            if (j + 1 == lf) P->src[j++] = (int32_t)lc;
            P->src[j++] = (int32_t)c;
        }
        if (j + 1 == lf) P->src[j++] = (int32_t)lc;
        P->has_label = P->has_target = 1;
        return 0;
    }
    if (named) {
        char unknown[300] = "";
        size_t nu = 0;
        uint8_t *seen = calloc(tab->ncol, 1);
        if (!seen) return fail(err, name, "out of memory");
        for (size_t j = 0; j < nfile; j++) {
            uint32_t c = 0;
            if (j == lj || (lj != SIZE_MAX && !strcmp(hdr[j], tab->col[lc].name))) { /* the label, as --label-col says */
                P->src[j] = j == lj ? (int32_t)lc : -1;
                seen[lc] |= j == lj;
                continue;
            }
            while (c < tab->ncol && strcmp(tab->col[c].name, hdr[j])) c++;
            P->src[j] = c < tab->ncol ? (int32_t)c : -1;
            if (c == tab->ncol) {
                if (nu++ < 4) snprintf(unknown + strlen(unknown), sizeof unknown - strlen(unknown), "%s'%.40s'", nu > 1 ? ", " : "", hdr[j]);
            } else if (seen[c]++) {
                free(seen);
                return fail(err, name, "the header names column '%.60s' twice", hdr[j]);
            }
        }
        for (uint32_t c = 0; c < tab->ncol; c++) {
            const Column *C = &tab->col[c];
            if (!seen[c] && (C->kind == COL_NUMBER || C->kind == COL_CATEGORY)) {
                size_t j = 0;
                while (j < nfile && strcasecmp(hdr[j], C->name)) j++;
                free(seen);
                if (j < nfile)
                    return fail(err, name, "no column '%.60s' in the header, which has '%.60s' (names are case-sensitive)", C->name, hdr[j]);
                if (nu == nfile) { /* pandas' names of unnamed columns, 0, 1, 2 ...? */
                    size_t k = row_names_run(hdr, nfile), k0 = k;
                    for (char num[24]; k < nfile; k++)
                        if (snprintf(num, sizeof num, "%zu", k - k0), strcmp(hdr[k], num)) break;
                    if (k == nfile && nfile - k0 >= 2)
                        return fail(err, name, "the header names the columns 0, 1, 2 ... (pandas' names for unnamed columns), not the "
                                    "model's ('%.60s', ...): write the file with the columns' names, or without its header and index "
                                    "(to_csv(header=False, index=False)) to be read by position", C->name);
                }
                if (nu == nfile) /* not one name the model knows: a row taken for a header? */
                    return fail(err, name, "no column '%.60s' in the header, and none of the header's names is the model's "
                                "(its first line, %s...): if that line is data, give --header no", C->name, unknown);
                return fail(err, name, "no column '%.60s' in the header; the model was trained with it", C->name);
            }
            if (C->kind == COL_TARGET || C->kind == COL_LABEL) nmiss += !seen[c];
        }
        free(seen);
        P->has_label = P->has_target = nmiss == 0;
        for (size_t j = 0, last = 0; j < nfile; j++) /* said once: a file whose columns moved is read right */
            if (P->src[j] >= 0 && tab->col[P->src[j]].kind != COL_IGNORED) {
                if ((size_t)P->src[j] < last) {
                    P->moved = 1;
                    if (!o || !o->quiet) say("%s: columns found by name; their order is not the training file's", name);
                    break;
                }
                last = (size_t)P->src[j];
            }
        if (nu && (!o || !o->quiet)) say("%s: column%s %s%s not among the model's; ignored", name, nu > 1 ? "s" : "", unknown, nu > 4 ? " ..." : "");
        return 0;
    }
    { /* no header: the columns by position, with or without the label or target, and the row names the model left out */
        size_t nrn = 0, w[4], ok = 0, pick = 0;
        while (nrn < tab->ncol && tab->col[nrn].kind == COL_IGNORED && tab->col[nrn].name &&
               (nrn ? unnamed_k(tab->col[nrn].name) : row_names_name(tab->col[nrn].name)))
            nrn++;
        w[0] = tab->ncol, w[1] = tab->ncol - nlt, w[2] = tab->ncol - nrn, w[3] = tab->ncol - nrn - nlt;
        for (size_t k = 0; k < 4; k++)
            if (nfile == w[k] && (k == 0 || (k == 1 && nlt) || (k == 2 && nrn) || (k == 3 && nrn && nlt))) ok++, pick = ok == 1 ? k : pick;
        if (!ok)
            return fail(err, name, "%zu columns, but the model's table has %u (%zu without its label or target%s%s)", nfile, tab->ncol,
                        (size_t)tab->ncol - nlt, nlt > 1 ? "s" : "", nrn ? ", fewer without its row names" : "");
        if (ok > 1) /* either reading could be a silent shift of every column */
            return fail(err, name, "%zu columns: the model's columns without its row names, or without its %s; give the file "
                        "a header line naming its columns", nfile, nlt > 1 ? "targets" : "label or target");
        for (size_t j = 0, c = 0; c < tab->ncol; c++) {
            int lt = tab->col[c].kind == COL_TARGET || tab->col[c].kind == COL_LABEL;
            if ((lt && (pick & 1)) || (c < nrn && (pick & 2))) continue;
            P->src[j++] = (int32_t)c;
        }
        P->has_label = P->has_target = !(pick & 1);
    }
    return 0;
}

/* What the first pass learns of a feature column. */
typedef struct {
    size_t nums, names, missing, dcomma; /* dcomma: names that read as numbers with a decimal comma */
    double sum;
    int seq;           /* the numbers so far count 0, 1, 2 ... (or 1, 2, 3 ...), as an index does */
    double next;
    double *ints;      /* its values while every one is a whole number (for the id check), or NULL */
    int not_int;       /* a value that is not a whole number was seen */
    size_t quoted;     /* numbers written in quotes ("6": R writes a factor's levels so) */
    size_t qnames;     /* names written in quotes */
    size_t name_line;  /* the first name's line */
    char name1[64];    /* ...and its text */
} ColStats;

/* Is a column's name an id's: id, ID, Id, key, index, idx, rowid, or
 * ending in _id, .id, " id" or Id (customer_id, CustomerId)? */
static int id_name(const char *h)
{
    static const char *const whole[] = {"id", "key", "index", "idx", "rowid", "row_id", "row.names", NULL};
    size_t n = h ? strlen(h) : 0;
    if (!n) return 0;
    for (int k = 0; whole[k]; k++)
        if (!strcasecmp(h, whole[k])) return 1;
    return n > 3 && ((strchr("_. ", h[n - 3]) && (h[n - 2] | 0x20) == 'i' && (h[n - 1] | 0x20) == 'd') ||
                     (h[n - 2] == 'I' && h[n - 1] == 'd' && h[n - 3] >= 'a' && h[n - 3] <= 'z'));
}

/* R's row names read back by read.csv and written again without its own:
 * a first column named X of whole numbers from 1, a different one in every
 * row (10 rows at least), in any order. */
static int r_x_names(ColStats *S, size_t c, const char *h)
{
    if (c || !h || strcmp(h, "X") || !S->ints || S->not_int || S->nums < 10 || S->missing) return 0;
    qsort(S->ints, S->nums, sizeof *S->ints, cmp_double);
    for (size_t i = 0; i < S->nums; i++)
        if (S->ints[i] < 1 || (i && S->ints[i] == S->ints[i - 1])) return 0;
    return 1;
}

/* Whole numbers, at least 1000 somewhere, a different one in 95% of the
 * rows or more (20 rows at least): a record number, not a measurement. */
static int id_values(ColStats *S)
{
    size_t distinct = 0;
    if (!S->ints || S->not_int || S->nums < 20 || S->missing) return 0;
    qsort(S->ints, S->nums, sizeof *S->ints, cmp_double);
    if (!(fabs(S->ints[0]) >= 1000 || fabs(S->ints[S->nums - 1]) >= 1000)) return 0;
    for (size_t i = 0; i < S->nums; i++) distinct += !i || S->ints[i] != S->ints[i - 1];
    return 20 * distinct >= 19 * S->nums;
}

/* Whole numbers of at most NN_FACTOR_LEVELS values, each twice or more on
 * average: in a file that quotes every number (R's write.csv of a table of
 * factors, without row names), the quoted columns that read as factor
 * levels. */
#define NN_FACTOR_LEVELS 16
#define NN_FACTOR_LEVELS_TEXT "16"
static int factor_levels(ColStats *S)
{
    size_t distinct = 0;
    if (!S->ints || S->not_int || !S->nums) return 0;
    qsort(S->ints, S->nums, sizeof *S->ints, cmp_double);
    for (size_t i = 0; i < S->nums && distinct <= NN_FACTOR_LEVELS; i++) distinct += !i || S->ints[i] != S->ints[i - 1];
    return distinct <= NN_FACTOR_LEVELS && 2 * distinct <= S->nums;
}

/* Add text (len bytes) to categories (*cats, *n, capacity *cap) unless
 * there; 0, or -1 out of memory, 1 when there are NN_MAX_CATS already. */
static int add_category(char ***cats, uint32_t *n, size_t *cap, const char *text, size_t len)
{
    for (uint32_t k = 0; k < *n; k++)
        if (strlen((*cats)[k]) == len && !memcmp((*cats)[k], text, len)) return 0;
    if (*n >= NN_MAX_CATS) return 1;
    if (*n == *cap) {
        char **g = realloc(*cats, (*cap = *cap ? 2 * *cap : 8) * sizeof *g);
        if (!g) return -1;
        *cats = g;
    }
    if (!((*cats)[*n] = malloc(len + 1))) return -1;
    memcpy((*cats)[*n], text, len), (*cats)[*n][len] = 0, ++*n;
    return 0;
}

/* A column's name for messages: 'Name' or its number. */
static const char *col_label(const Table *tab, size_t c, char *buf, size_t cap)
{
    if (tab->col[c].name) snprintf(buf, cap, "'%.60s'", tab->col[c].name);
    else snprintf(buf, cap, "%zu", c + 1);
    return buf;
}

/* --label-col NAME when no table is read: the column of that name in the
 * header line of the text [p, end), into out as a number (out->header: the
 * first line is one).  0, or -1 with a message listing the header. */
static int label_by_name(const char *p, const char *end, const CsvOpt *o, const char *name, CsvOpt *out, Err *err)
{
    const char *eol;
    size_t n = 0;
    char **hdr;
    long c;
    if (end - p >= 3 && !memcmp(p, "\xEF\xBB\xBF", 3)) p += 3;
    skip_blank(&p, end, &n);
    if (p >= end) return fail(err, name, "empty data file");
    eol = line_end(p, end);
    if (!(hdr = header_fields(p, eol, o->sep ? o->sep : csv_sep(p, end), &n))) return fail(err, name, "out of memory");
    c = column_of(o->label_name, strlen(o->label_name), hdr, n, "--label-col", name, err);
    names_free(hdr, n);
    if (c < 0) return -1;
    out->label_col = (int)c + 1, out->label_name = NULL, out->header = 1;
    return 0;
}

/* The first label or target column of tab, or tab->ncol. */
static size_t lt_column(const Table *tab)
{
    size_t c = 0;
    while (c < tab->ncol && tab->col[c].kind != COL_LABEL && tab->col[c].kind != COL_TARGET) c++;
    return c;
}

/* The error for a label or target column missing in every row, the first
 * of them at line. */
static int fail_all_missing(const Table *tab, const char *name, size_t line, Err *err)
{
    size_t lc = lt_column(tab);
    char where[NN_WHERE], cl[80];
    where_line(where, name, line);
    if (lc == tab->ncol) return fail(err, where, "no data rows");
    return fail(err, where, "column %s, the %s, is missing in every row%s", col_label(tab, lc, cl, sizeof cl),
                tab->col[lc].kind == COL_LABEL ? "label" : "target", lc + 1 == tab->ncol ? " (does each line end with a separator?)" : "");
}

/* What to give --ignore for column c, ready to paste into a shell: its
 * header name (in single quotes when it holds anything but letters,
 * digits and . _ -), or its number when the name is empty, holds a comma
 * or a quote, or reads as a number. */
static const char *ignore_arg(char *const *hdr, size_t c, char *buf, size_t cap)
{
    if (hdr && *hdr[c] && !strpbrk(hdr[c], ",'") && field_kind(hdr[c], hdr[c] + strlen(hdr[c])) == FLD_NAME && strlen(hdr[c]) + 3 < cap) {
        int plain = 1;
        for (const char *q = hdr[c]; *q; q++)
            plain &= (*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z') || (*q >= '0' && *q <= '9') || *q == '.' || *q == '_' || *q == '-';
        if (plain && *hdr[c] != '-') return hdr[c];
        snprintf(buf, cap, "'%s'", hdr[c]);
        return buf;
    }
    snprintf(buf, cap, "%zu", c + 1);
    return buf;
}

/* Is a column of kind k (as table_build's kinds[] has it) a feature? */
static int feature(int k) { return !k || k == COL_CATEGORY; }


/* Training: decide what each column of the data lines [p, end) is and
 * build the table (kinds[c] is COL_LABEL, COL_TARGET, COL_IGNORED or 0, a
 * feature; hdr the header names or NULL; line0 the lines before p).  Puts
 * what it decided into note (cap bytes). */
static int table_build(const char *p, const char *end, size_t line0, int sep, size_t ncol, const int *kinds,
                       char *const *hdr, int missing, int quiet, const char *name, Table *tab, char *note, size_t cap, Err *err)
{
    ColStats *st = calloc(ncol, sizeof *st);
    size_t *ccap = calloc(ncol, sizeof *ccap), rows = 0, nnum = 0, ncatcol = 0, filled = 0, used = 0, first_line = 0;
    size_t unquoted = 0, nquoted = 0; /* numbers written bare in the file; columns of quoted numbers taken as categories */
    size_t nallq = 0;                 /* ...of them for their few whole values, in a file that quotes every number */
    char tmp[NN_MAX_NAME + 1], cl[80], ia[80], where[600], cats[300] = "";
    int rc = 0;
    tab->missing = (uint32_t)(missing ? missing : MISS_MEAN);
    tab->ncol = (uint32_t)ncol;
    if (!st || !ccap || !(tab->col = calloc(ncol, sizeof *tab->col))) {
        free(st), free(ccap);
        return fail(err, name, "out of memory");
    }
    for (size_t c = 0; c < ncol; c++) {
        tab->col[c].kind = kinds[c];
        if (hdr && !(tab->col[c].name = malloc(strlen(hdr[c]) + 1))) rc = fail(err, name, "out of memory");
        else if (hdr) strcpy(tab->col[c].name, hdr[c]);
    }
    for (int pass = 1; !rc && pass <= 2; pass++) { /* 1: counts, means, names; 2: the categories in order */
        size_t line = line0;
        for (const char *q = p, *eol; !rc && q < end; q = eol + (eol < end), line++) {
            CsvIt it;
            const char *fb, *fe;
            int qu, keep = 1;
            size_t c;
            eol = line_end(q, end);
            if (skip_line_c(q, eol, 0)) continue;
            if (!first_line) first_line = line + 1;
            if (pass == 1) { /* a row of the wrong width: said as that, before its fields are judged out of place */
                size_t badcol = 0;
                long nf = csv_fields(q, end, sep, &badcol);
                if (nf != (long)ncol) {
                    CsvBad bad;
                    memset(&bad, 0, sizeof bad);
                    if (nf < 0) bad.kind = BAD_QUOTE, bad.col = badcol, bad.text = q, bad.len = (size_t)(eol - q);
                    else bad.kind = BAD_COUNT, bad.nf = (size_t)nf, bad.spaced = (sep == ' ' || sep == '\t') | escaped_quote(q, eol) << 1;
                    if (nf < 0) { /* (the text from the quote on) */
                        const char *fq = q;
                        for (size_t k = 1; k < badcol && fq < eol; fq++) k += *fq == sep;
                        while (fq < eol && *fq != '"') fq++;
                        bad.text = fq, bad.len = (size_t)(eol - fq);
                    }
                    where_line(where, name, line + 1);
                    rc = csv_fail(err, where, &bad, ncol);
                    break;
                }
            }
            it.p = q, it.eol = eol, it.sep = sep, it.done = 0; /* a row without its target or label adds nothing */
            for (c = 0; c < ncol && csv_next(&it, &fb, &fe, &qu) == 1; c++) /* (with --missing drop, nor one missing a feature) */
                if ((kinds[c] == COL_TARGET || kinds[c] == COL_LABEL || (feature(kinds[c]) && tab->missing == MISS_DROP)) &&
                    field_kind_q(fb, fe, qu) == FLD_MISSING)
                    keep = 0;
            if (!keep) continue;
            rows += pass == 1;
            it.p = q, it.eol = eol, it.sep = sep, it.done = 0;
            for (c = 0; c < ncol && csv_next(&it, &fb, &fe, &qu) == 1; c++) {
                int k = field_kind_q(fb, fe, qu);
                ColStats *S = &st[c];
                if (!feature(kinds[c])) continue;
                if (pass == 1 && k == FLD_NUMBER) S->quoted += qu != 0, unquoted += !qu;
                if (pass == 1 && k == FLD_NAME) S->qnames += qu != 0;
                if (pass == 1) {
                    double v;
                    const char *s = fb;
                    if (k == FLD_MISSING) S->missing++, S->seq = 0;
                    else if (k == FLD_NAME) {
                        S->dcomma += fe > fb && decimal_comma(fb, (size_t)(fe - fb));
                        if (!S->names++) {
                            S->name_line = line + 1;
                            snprintf(S->name1, sizeof S->name1, "%.*s", (int)(fe - fb > 60 ? 60 : fe - fb), fb);
                        }
                    } else if (k == FLD_NUMBER && !scan_number(&s, fe, &v) && s == fe) {
                        S->seq = S->nums ? S->seq && v == S->next : v == 0 || v == 1;
                        if (!S->not_int && v == floor(v) && fabs(v) < 1e15) {
                            if (!S->ints && !(S->ints = malloc((end - p) / 2 * sizeof *S->ints + sizeof *S->ints))) S->not_int = 1;
                            else S->ints[S->nums] = v;
                        } else {
                            S->not_int = 1, free(S->ints), S->ints = NULL;
                        }
                        S->nums++, S->sum += v, S->next = v + 1;
                    }
                } else if (tab->col[c].kind == COL_CATEGORY) {
                    size_t len = k == FLD_MISSING ? 0 : field_text(fb, fe, qu, tmp, sizeof tmp);
                    int r;
                    if (k == FLD_MISSING && tab->missing != MISS_MEAN) continue; /* dropped, or an error later */
                    if (len == SIZE_MAX) {
                        where_line(where, name, line + 1);
                        rc = fail(err, where, "column %s: a value longer than %d bytes", col_label(tab, c, cl, sizeof cl), NN_MAX_NAME);
                        break;
                    }
                    if ((r = add_category(&tab->col[c].cats, &tab->col[c].ncat, &ccap[c], tmp, len)) < 0) {
                        rc = fail(err, name, "out of memory");
                        break;
                    }
                    if ((r > 0 || (tab->col[c].ncat > 20 && 2 * tab->col[c].ncat > rows)) && kinds[c] == COL_CATEGORY) {
                        rc = fail(err, name, "column %s, given to --category, has %s%u different values in %zu rows: too many for a "
                                  "category (a one-hot unit each, with few rows to learn it from); leave it out of --category to read it as a "
                                  "number, or give --ignore %s", col_label(tab, c, cl, sizeof cl), r > 0 ? "more than " : "at least ",
                                  tab->col[c].ncat, rows, ignore_arg(hdr, c, ia, sizeof ia));
                        break;
                    }
                    if ((r > 0 || (tab->col[c].ncat > 20 && 2 * tab->col[c].ncat > rows)) && hdr && row_names_name(hdr[c])) {
                        rc = fail(err, name, "column %s, the row names (a feature by --row-names feature), holds text with %s%u "
                                  "different values in %zu rows: names, not a feature; leave out --row-names feature",
                                  col_label(tab, c, cl, sizeof cl), r > 0 ? "more than " : "at least ", tab->col[c].ncat, rows);
                        break;
                    }
                    if (r > 0 || (tab->col[c].ncat > 20 && 2 * tab->col[c].ncat > rows)) {
                        char more[200] = "", all[300];
                        size_t na = 0;
                        snprintf(all, sizeof all, "%s", ignore_arg(hdr, c, ia, sizeof ia));
                        for (size_t c2 = 0; c2 < ncol; c2++) /* the other columns of free text, to leave out at once */
                            if (c2 != c && !kinds[c2] && free_text_column(p, end, sep, c2 + 1) && strlen(all) + 60 < sizeof all) {
                                size_t at = strlen(more);
                                snprintf(more + at, sizeof more - at, "%s%s", na++ ? ", " : "", col_label(tab, c2, cl, sizeof cl));
                                at = strlen(all);
                                snprintf(all + at, sizeof all - at, ",%s", ignore_arg(hdr, c2, ia, sizeof ia));
                            }
                        rc = fail(err, name, "column %s holds text with %s%u different values in %zu rows: free text or an id, "
                                  "not a category%s%s%s; give --ignore %s", col_label(tab, c, cl, sizeof cl), r > 0 ? "more than " : "at least ",
                                  tab->col[c].ncat, rows, na ? " (so do " : "", more, na ? ")" : "", all);
                        break;
                    }
                }
            }
        }
        if (rc || pass == 2) break;
        if (!first_line) { /* a header and nothing else */
            rc = fail(err, name, "no data rows");
            break;
        }
        if (!rows) { /* every label or target is missing */
            rc = fail_all_missing(tab, name, first_line, err);
            break;
        }
        for (size_t c = 0; c < ncol && !rc; c++) { /* what each feature column is */
            ColStats *S = &st[c];
            Column *C = &tab->col[c];
            if (kinds[c] == COL_CATEGORY) { /* --category */
                ncatcol++;
                continue;
            }
            if (kinds[c]) continue;
            if (S->nums && S->quoted == S->nums && S->qnames == S->names && (unquoted || factor_levels(S)) &&
                !(hdr && !S->names && row_names_name(hdr[c]))) { /* (R's quoted row names "1", "2" ..., kept by --row-names feature: numbers) */
                C->kind = COL_CATEGORY, ncatcol++, nquoted++; /* "4", "6", "rotary": R's factor levels (quoted row names
                                                               * say nothing: pandas' QUOTE_ALL quotes its index too) */
                nallq += !unquoted;
                continue;
            }
            if (S->names && S->dcomma == S->names) { /* 1,5 and 2,25 (beside 2 and 3): numbers with a decimal comma */
                where_line(where, name, S->name_line);
                rc = fail(err, where, "column %s: '%s' is not a number (a decimal comma? %s)", col_label(tab, c, cl, sizeof cl), S->name1,
                          sep == ',' ? "the fields are separated by commas too: write the file with ';' between them (pandas: "
                                       "to_csv(sep=';', decimal=','), R: write.csv2) or with decimal points"
                                     : "give --decimal ,");
            } else if (S->names && S->nums && infinity_text(S->name1)) { /* R's Inf, NumPy's inf */
                where_line(where, name, S->name_line);
                rc = fail(err, where, "column %s: '%s' is infinite, and nn reads finite numbers only: give that row a finite "
                          "value, or leave the field empty to have it filled in with the column's mean", col_label(tab, c, cl, sizeof cl), S->name1);
            } else if (S->names && S->nums && missing_spelling(S->name1)) { /* pandas' QUOTE_ALL with na_rep='NA' */
                where_line(where, name, S->name_line);
                rc = fail(err, where, "column %s: '%s', quoted, is not a number: a quoted \"%s\" is text, as R writes a level of that "
                          "name; a missing value is written bare or empty (pandas' QUOTE_ALL quotes na_rep: write the file with na_rep='')", col_label(tab, c, cl, sizeof cl), S->name1, S->name1);
            } else if (S->names && S->nums) { /* numbers and words: an error, not a category (a stray word, or hex) */
                where_line(where, name, S->name_line);
                rc = fail(err, where, "column %s: '%s' is not a number (%zu of the column's values are numbers; a column of "
                          "categories holds names only): if '%s' marks a missing value, write it empty or as NA (nn reads empty, NA, "
                          "N/A, NaN, null, None, ?, #N/A and <NA> as missing); if the values are categories, give --category %s",
                          col_label(tab, c, cl, sizeof cl), S->name1, S->nums, S->name1, ignore_arg(hdr, c, ia, sizeof ia));
            } else if (S->names) {
                C->kind = COL_CATEGORY, ncatcol++;
            } else if (!S->nums) {
                rc = fail(err, name, "column %s has no values (every one is missing); give --ignore %s", col_label(tab, c, cl, sizeof cl),
                          ignore_arg(hdr, c, ia, sizeof ia));
            } else {
                C->kind = COL_NUMBER, nnum++;
                C->fill = (float)(S->sum / (double)S->nums);
                if (S->seq && S->nums == rows && rows >= 10 && !quiet) /* pandas' index, written out */
                    say("warning: %s: column %s counts %s ... %zu like a row index; if it is one, give --ignore %s", name,
                        col_label(tab, c, cl, sizeof cl), S->next == (double)rows ? "0, 1, 2" : "1, 2, 3", (size_t)(S->next - 1),
                        ignore_arg(hdr, c, ia, sizeof ia));
                else if (!quiet && r_x_names(S, c, C->name)) /* R's row names, read and written again */
                    say("warning: %s: column 1 ('X') looks like R's row names read back by read.csv (a different whole number "
                        "in every row); if it is, give --ignore X", name);
                else if (!quiet && (id_name(C->name) || id_values(S))) /* a record's number: a feature only by accident */
                    say("warning: %s: column %s looks like an id (%s); a number that names a row says nothing of it: if it "
                        "is one, give --ignore %s", name, col_label(tab, c, cl, sizeof cl), id_name(C->name) ? "its name" :
                        "a different whole number in nearly every row", ignore_arg(hdr, c, ia, sizeof ia));
                if (S->missing && tab->missing == MISS_MEAN) filled += S->missing;
            }
        }
    }
    if (!rc) { /* say what was decided */
        size_t ntg = 0, nig = 0, cu = 0, more = 0;
        for (size_t c = 0; c < ncol; c++) {
            const Column *C = &tab->col[c];
            char one[200];
            int k;
            ntg += C->kind == COL_TARGET, nig += C->kind == COL_IGNORED;
            if (C->kind != COL_CATEGORY) continue;
            k = snprintf(one, sizeof one, "%s%s: %u value%s", cu ? "; " : "", col_label(tab, c, cl, sizeof cl), C->ncat, C->ncat == 1 ? "" : "s");
            if (!more && k > 0 && cu + (size_t)k + 24 < sizeof cats) memcpy(cats + cu, one, (size_t)k + 1), cu += (size_t)k;
            else more++; /* (whole entries only, never one cut short) */
        }
        if (more) snprintf(cats + cu, sizeof cats - cu, "; %zu more", more);
        used = (size_t)snprintf(note, cap, "%.200s: a table of %zu columns: %zu number%s", name, ncol, nnum, plural(nnum));
        if (ncatcol && used < cap)
            used += (size_t)snprintf(note + used, cap - used, ", %zu categor%s one-hot encoded (%s)", ncatcol, ncatcol == 1 ? "y" : "ies", cats);
        if (ntg && used < cap) { /* named: a column given by number is confirmed by its name */
            used += (size_t)snprintf(note + used, cap - used, ", %zu target%s", ntg, plural(ntg));
            for (size_t c = 0, k = 0; c < ncol && used < cap; c++)
                if (tab->col[c].kind == COL_TARGET && k++ < 4)
                    used += (size_t)snprintf(note + used, cap - used, "%s%s%s", k == 1 ? " (" : ", ", hdr ? "" : "column ",
                                             col_label(tab, c, cl, sizeof cl));
            if (used < cap) used += (size_t)snprintf(note + used, cap - used, "%s)", ntg > 4 ? ", ..." : "");
        }
        for (size_t c = 0; c < ncol && used < cap; c++)
            if (tab->col[c].kind == COL_LABEL) used += (size_t)snprintf(note + used, cap - used, ", 1 label (%s%s)", hdr ? "" : "column ",
                                                                col_label(tab, c, cl, sizeof cl));
        if (nig && used < cap) used += (size_t)snprintf(note + used, cap - used, ", %zu ignored", nig);
        if (nquoted && used < cap)
            used += (size_t)snprintf(note + used, cap - used, "; %zu column%s of quoted numbers (R's factors) taken as categor%s%s: "
                                     "give --category or --ignore to choose, or write them unquoted", nquoted, plural(nquoted), nquoted == 1 ? "y" : "ies",
                                     nallq ? " (every number in the file is quoted: whole numbers of at most " NN_FACTOR_LEVELS_TEXT " values, repeated)" : "");
        if (filled && used < cap)
            used += (size_t)snprintf(note + used, cap - used, "; %zu missing value%s filled in with the column mean%s", filled,
                                     plural(filled), filled == 1 ? "" : "s");
        for (size_t c = 0, catmiss = 0, first = SIZE_MAX; c <= ncol && used < cap && tab->missing == MISS_MEAN; c++) {
            if (c < ncol && tab->col[c].kind == COL_CATEGORY && st[c].missing) catmiss += st[c].missing, first = first == SIZE_MAX ? c : first;
            else if (c == ncol && catmiss) /* (a bare None or NA among names: missing, as pandas reads it) */
                used += (size_t)snprintf(note + used, cap - used, "; %zu missing value%s in categorical columns (as in %s) a "
                                         "category of their own", catmiss, plural(catmiss), col_label(tab, first, cl, sizeof cl));
        }
    }
    for (size_t c = 0; c < ncol; c++) free(st[c].ints);
    free(ccap), free(st);
    if (rc) table_free(tab);
    return rc;
}

/* --header auto against a model's table: whether the first line of the
 * text at p is a header.  It is when a name in it (not a number) names a
 * column of the table, in any case (a misspelt header is then reported by
 * name, never read as a row); or when it is exactly the table's names
 * (pandas names columns 0, 1, 2 ...).  Otherwise it is read against the
 * table by position: a name where a number column is, or a line of names
 * none of which is a category the table knows, is a header; a line of
 * numbers and categories (seen or not) is a row.  -1: the table has no
 * names; decide as for any file. */
static int table_header(const char *p, const char *end, int sep, const Table *tab)
{
    size_t n = 0, hits = 0, exact = 0, known = 0, names = 0, nlt = 0, misplaced = 0;
    char **f;
    const char *eol;
    int look;
    if (end - p >= 3 && !memcmp(p, "\xEF\xBB\xBF", 3)) p += 3;
    while (p < end && skip_line(p, eol = line_end(p, end))) p = eol + (eol < end);
    if (p >= end || !tab->col[0].name) return -1;
    eol = line_end(p, end);
    sep = sep ? sep : csv_sep(p, end);
    if (!(f = header_fields(p, eol, sep, &n))) return -1;
    for (uint32_t c = 0; c < tab->ncol; c++) nlt += tab->col[c].kind == COL_LABEL || tab->col[c].kind == COL_TARGET;
    for (size_t j = 0, pos = 0; j < n; j++) {
        int k = field_kind(f[j], f[j] + strlen(f[j]));
        const Column *at = NULL; /* the column at this position, when the line has the table's layout */
        if (n == tab->ncol) at = &tab->col[j];
        else if (n + nlt == tab->ncol) { /* without the label and targets */
            while (pos < tab->ncol && (tab->col[pos].kind == COL_LABEL || tab->col[pos].kind == COL_TARGET)) pos++;
            at = pos < tab->ncol ? &tab->col[pos++] : NULL;
        }
        for (uint32_t c = 0; c < tab->ncol; c++) {
            if (!strcmp(tab->col[c].name, f[j])) exact++;
            if (k == FLD_NAME && !strcasecmp(tab->col[c].name, f[j])) {
                hits++;
                break;
            }
        }
        if (k != FLD_NAME) continue;
        names++;
        misplaced += at && at->kind == COL_NUMBER;
        for (uint32_t c = 0, found = 0; c < tab->ncol && !found; c++)
            for (uint32_t q = 0; q < tab->col[c].ncat && !found; q++)
                if (!strcmp(tab->col[c].cats[q], f[j])) known++, found = 1;
    }
    names_free(f, n);
    look = csv_is_header(p, eol, sep, n, 1);
    if (table_numbers(tab)) /* names it has: a word among numbers is a bad number, a line counting 0, 1, 2 ... is data */
        return hits > 0 || (exact == n && n > 1) || csv_is_header(p, eol, sep, n, 0);
    return hits > 0 || (exact == n && n > 1) || misplaced > 0 || (look && names > 0 && known == 0);
}


/* A first line [p, end) read as data through a model's table of numbers
 * that counts 0, 1, 2 ... (pandas' names of unnamed columns) is said, so
 * that its answer is not taken for a header's. */
static void table_count_note(const char *p, const char *end, int sep, const Table *tab, const char *name)
{
    const char *eol;
    size_t line = 0, bad;
    long n;
    if (!table_numbers(tab)) return;
    if (end - p >= 3 && !memcmp(p, "\xEF\xBB\xBF", 3)) p += 3;
    skip_blank(&p, end, &line);
    if (p >= end) return;
    eol = line_end(p, end);
    sep = sep ? sep : csv_sep(p, end);
    if ((n = csv_fields(p, eol, sep, &bad)) > 0 && csv_is_header(p, eol, sep, (size_t)n, 1) && !csv_is_header(p, eol, sep, (size_t)n, 0))
        say("%s: line %zu, numbers counting 0, 1, 2 ..., read as data: they are not the model's column names ('%.40s', ...); give "
            "--header yes if it is a header", name, line + 1, tab->col[0].name ? tab->col[0].name : "");
}

/* Training: does the CSV text [p, end) start with a header whose first
 * column is row names (row_names_name)?  Then it is read as a table, which
 * leaves that column out. */
static int has_row_names(const char *p, const char *end, const CsvOpt *o)
{
    const char *eol;
    size_t n = 0, line = 0;
    char **h;
    int sep, yes;
    if (o->header == 0 || o->row_names) return 0;
    if (end - p >= 3 && !memcmp(p, "\xEF\xBB\xBF", 3)) p += 3;
    skip_blank(&p, end, &line);
    if (p >= end) return 0;
    eol = line_end(p, end);
    sep = o->sep ? o->sep : csv_sep(p, end);
    if (!(h = header_fields(p, eol, sep, &n))) return 0;
    yes = n >= 2 && row_names_name(h[0]) && (o->header == 1 || csv_is_header(p, eol, sep, n, 1));
    if (!yes && n >= 1 && eol < end) { /* R's write.table: a header a name short of the rows, which start with their names */
        const char *q = eol + 1;
        size_t badq = 0;
        long nd;
        skip_blank(&q, end, &line);
        nd = q < end ? csv_fields(q, end, sep, &badq) : -1;
        const char *qe = q < end ? line_end(q, end) : q;
        while (qe > q && qe[-1] == '\r') qe--;
        yes = nd >= 2 && (size_t)nd == n + 1 && *q == '"' && qe > q && qe[-1] != sep && (o->header == 1 || csv_is_header(p, eol, sep, n, 1));
    }
    names_free(h, n);
    return yes;
}

/* Rows without a header, read by position as all of a model's table
 * columns (its features and its one label or target): or are they a
 * first column of row names or an index, then the features alone?  The
 * same width either way.  Each reading of the first rows is scored by how
 * far its numbers lie from the training data (the mean square of their
 * standardised values); the columns as read lying far off (RMS over 5
 * deviations) where the other reading lies ten times closer is an error
 * (-1 with a message): every answer would be of shifted columns. */
static int shift_check(const char *p, const char *end, int sep, const RowPlan *P, const Table *tab, const InputMap *in, size_t line,
                       const char *name, Err *err)
{
    size_t nonfeat = 0, nfeat = 0, *off, rows = 0, na = 0, nb = 0, line0 = line;
    double sa = 0, sb = 0;
    char where[NN_WHERE];
    if (!in || !in->mean || !in->rsd || P->nfile != tab->ncol || P->nfile < 3 || !(off = malloc(tab->ncol * sizeof *off))) return 0;
    for (size_t c = 0, o = 0; c < tab->ncol && nonfeat < 2; c++) {
        const Column *C = &tab->col[c];
        if (P->src[c] != (int32_t)c) nonfeat = 2; /* (by position: column c is table column c) */
        else if (C->kind == COL_NUMBER) off[c] = o++, nfeat++;
        else if (C->kind == COL_CATEGORY) off[c] = SIZE_MAX, o += C->ncat, nfeat++;
        else if (C->kind == COL_LABEL || C->kind == COL_TARGET) off[c] = SIZE_MAX, nonfeat++;
        else nonfeat = 2;
    }
    if (nonfeat != 1 || tab->col[0].kind != COL_NUMBER) return free(off), 0;
    for (; p < end && rows < 200; line++) {
        const char *eol = line_end(p, end), *fb, *fe;
        int q;
        if (!skip_line(p, eol)) {
            for (size_t c = 0, f = 0; c < tab->ncol; c++) { /* reading a: file column c is table column c */
                const Column *C = &tab->col[c];
                double v;
                const char *t;
                if (C->kind == COL_LABEL || C->kind == COL_TARGET) continue;
                if (off[c] != SIZE_MAX && csv_field(p, eol, sep, c + 1, &fb, &fe, &q) && (t = fb, !scan_number(&t, fe, &v)) && t == fe) {
                    double z = (v - in->mean[off[c]]) * in->rsd[off[c]];
                    sa += z * z, na++;
                } /* reading b: the f-th feature is file column f + 2 (from 1), after a first column of row names */
                if (off[c] != SIZE_MAX && csv_field(p, eol, sep, f + 2, &fb, &fe, &q) && (t = fb, !scan_number(&t, fe, &v)) && t == fe) {
                    double z = (v - in->mean[off[c]]) * in->rsd[off[c]];
                    sb += z * z, nb++;
                }
                f++;
            }
            rows++;
        }
        p = eol + (eol < end);
    }
    free(off);
    if (!na || !nb || !(sa / (double)na > 25) || !(sb / (double)nb * 10 < sa / (double)na)) return 0;
    where_line(where, name, line0 + 1);
    return fail(err, where, "rows without a header are read by position as the model's %u columns, and so read their numbers lie "
                "%.0f training deviations from the training data (RMS), but %.1f after a first column of row names or an index: "
                "is the first column row names (R's write.table, pandas' to_csv)? give the file a header line naming its columns, "
                "or leave that column out", tab->ncol, sqrt(sa / (double)na), sqrt(sb / (double)nb));
}

/* Whether a file's first column is one of the model's features. */
static int plan_feature1(const RowPlan *P, const Table *tab)
{
    return P->nfile && P->src[0] >= 0 && (tab->col[P->src[0]].kind == COL_NUMBER || tab->col[P->src[0]].kind == COL_CATEGORY) &&
           !(tab->col[P->src[0]].name && row_names_name(tab->col[P->src[0]].name)); /* (--row-names feature: an index by design) */
}

/* Rows without a header, read by position as all of a model's columns
 * (its label or target among them), whose first column is a feature: that
 * column must not count 0, 1, 2 ... or 1, 2, 3 ... (from the third row
 * on) as an index or R's row names do, else every column after it would
 * be read one off: -1 with a message. */
static int index_check(const char *p, const char *end, int sep, size_t line, const char *name, Err *err)
{
    char where[NN_WHERE];
    const char *p0 = p;
    size_t rows0 = 0;
    double first = -1;
    for (; p0 < end && rows0 < 1000;) { /* column 1 counting 0, 1, 2 ... or 1, 2, 3 ...: an index */
        const char *eol = line_end(p0, end), *fb, *fe, *s;
        int q;
        double v;
        if (!skip_line(p0, eol)) {
            if (!csv_field(p0, eol, sep, 1, &fb, &fe, &q) || (s = fb, scan_number(&s, fe, &v)) || s != fe ||
                (rows0 ? v != first + (double)rows0 : v != 0 && v != 1))
                break;
            if (!rows0++) first = v;
        }
        p0 = eol + (eol < end);
    }
    if (rows0 >= 3 && (p0 >= end || rows0 == 1000)) {
        where_line(where, name, line + 1);
        return fail(err, where, "column 1 counts %.0f, %.0f, %.0f ... like an index (pandas' to_csv writes one, R's row names "
                    "too), and rows without a header are read by position as the model's columns: give the file a header line "
                    "naming its columns (an index column is then left out), or leave the index out", first, first + 1, first + 2);
    }
    return 0;
}

/* Rows without a header, read by position with the model's label column
 * among them (predict, which does not use it): the first rows' labels must
 * be the model's classes (or empty).  Otherwise the columns are not the
 * model's -- an index or row names first shift them all -- and the answers
 * would be of the wrong columns: -1 with a message. */
static int label_place_check(const char *p, const char *end, int sep, size_t col, size_t line, const CsvOpt *o, const char *name,
                             Err *err)
{
    char tmp[80], where[NN_WHERE];
    for (size_t rows = 0; p < end && rows < 1000 && o->nclasses; line++) {
        const char *eol = line_end(p, end), *fb, *fe;
        int q;
        if (!skip_line(p, eol) && csv_field(p, eol, sep, col, &fb, &fe, &q) && field_kind_q(fb, fe, q) != FLD_MISSING) {
            double v;
            const char *s = fb;
            int ok = (size_t)(fe - fb) < sizeof tmp && field_text(fb, fe, q, tmp, sizeof tmp) != SIZE_MAX;
            if (ok && o->class_names) ok = level_find(o->class_names, o->nclasses, tmp) >= 0;
            else if (ok) ok = !scan_number(&s, fe, &v) && s == fe && v == floor(v) && v >= 0 && v < (double)o->nclasses;
            if (!ok) {
                where_line(where, name, line + 1);
                return fail(err, where, "column %zu holds '%.40s', not one of the model's classes, though rows without a header are "
                            "read by position as the model's columns, its label there: is the first column an index or row names "
                            "(pandas' to_csv with its index, R's row names)? give the file a header line naming its columns, or "
                            "leave that column out", col, tmp);
            }
            rows++;
        }
        p = eol + (eol < end);
    }
    return 0;
}

/* Load a CSV image as a table: through the model's table o->tab (eval, and
 * --test in training), else building one from the training options. */
static int load_table(const uint8_t *ubuf, size_t len, const char *name, const CsvOpt *o, Data *d, Err *err)
{
    const char *buf = (const char *)ubuf, *end = buf + len, *p = buf;
    CsvOpt o2 = *o;
    CsvShape sh;
    RowPlan *P = calloc(1, sizeof *P);
    Table own = {0, NULL, 0};
    const Table *tab = o->tab;
    int tab_given = tab != NULL;
    char **hdr = NULL, where[600], **names = NULL, note[1000] = "";
    int *kinds = NULL, rc = 0;
    unsigned why = o->target || o->label_name || o->ignore || o->missing || o->category ? TABLE_ASKED : 0;
    size_t nh = 0, line = 0, lines = 1, rows = 0, no_target = 0, dropped = 0, filled = 0, *lno = NULL, nnames = 0, first_skip = 0;
    float *x = NULL, *t = NULL;
    int32_t *y = NULL;
    const char **lt = NULL;
    char *lq = NULL;
    RowNote rn;
    memset(d, 0, sizeof *d), memset(&rn, 0, sizeof rn);
    if (!P) return fail(err, name, "out of memory");
    for (const char *q = buf; q < end; q++) lines += *q == '\n';
    o2.hash_data = !tab || !table_numbers(tab);
    if (tab) {
        if (o->header < 0) o2.header = table_header(buf, end, o->sep, tab);
        if (o->header < 0 && !o2.header && !o->quiet) table_count_note(buf, end, o->sep, tab, name);
        o2.label_col = LABEL_NONE;
    } else if (o->target || o->label_name) o2.label_col = LABEL_NONE;
    if (csv_shape(&p, end, &line, &o2, name, &sh, err)) {
        free(P);
        return -1;
    }
    if (sh.note[0] && !o->quiet) say_lines(sh.note);
    if (sh.head && !(hdr = shape_header(&sh, &nh))) rc = fail(err, name, "out of memory");
    if (!rc && hdr && nh != sh.ncol) {
        if (o->header == 1) names_free(hdr, nh), hdr = NULL; /* a summary line, not names */
        else rc = fail(err, name, "the header has %zu name%s, but the rows have %zu column%s%s", nh, plural(nh), sh.ncol, plural(sh.ncol), width_hint(sh.sep, nh, sh.ncol, 0));
    }
    for (size_t a = 0; !rc && !tab && hdr && a < nh; a++) /* predict finds columns by name: one each */
        for (size_t b = a + 1; !rc && b < nh; b++)
            if (!strcmp(hdr[a], hdr[b]))
                rc = fail(err, name, "the header names columns %zu and %zu both '%.60s'; rename one (predict finds columns by name)", a + 1,
                          b + 1, hdr[a]);
    if (!rc && !tab) { /* training: what each column is */
        if (!(kinds = calloc(sh.ncol, sizeof *kinds))) rc = fail(err, name, "out of memory");
        if (!rc && o->target && mark_columns(o->target, COL_TARGET, "--target", hdr, sh.ncol, kinds, name, err)) rc = -1;
        if (!rc && o->label_name && mark_columns(o->label_name, COL_LABEL, "--label-col", hdr, sh.ncol, kinds, name, err)) rc = -1;
        if (!rc && !o->target && !o->label_name && sh.lc) kinds[sh.lc - 1] = COL_LABEL;
        if (!rc && o->ignore && mark_columns(o->ignore, COL_IGNORED, "--ignore", hdr, sh.ncol, kinds, name, err)) rc = -1;
        if (!rc && o->category && mark_columns(o->category, COL_CATEGORY, "--category", hdr, sh.ncol, kinds, name, err)) rc = -1;
        size_t nrn = hdr && !o->row_names ? row_names_run(hdr, sh.ncol) : 0;
        for (size_t c = 0; !rc && c < nrn; c++)
            if (!kinds[c]) { /* R's row names, pandas' index */
                kinds[c] = COL_IGNORED, why |= TABLE_ROWNAMES;
                if (!o->quiet)
                    say("%s: column %zu ('%s') holds row names (%s): not a feature; give --row-names feature to use it as one",
                        name, c + 1, hdr[c], c ? "pandas' earlier index, written again beside a new one" : "R's write.csv, pandas' index");
            }
        if (!rc && hdr && !o->row_names && nrn < sh.ncol && !kinds[nrn] && earlier_row_names(hdr, nrn) &&
            distinct_column(p, end, sh.sep, nrn + 1)) { /* R's read.csv names old row names X; tibble's rownames_to_column, rowname */
            kinds[nrn] = COL_IGNORED, why |= TABLE_ROWNAMES;
            if (!o->quiet)
                say("%s: column %zu ('%s') holds earlier row names (%s), a different value in every row: not a feature; give "
                    "--row-names feature to use it as one", name, nrn + 1, hdr[nrn], nrn ? "R's read.csv then write.csv" : "tibble's rownames_to_column");
        }
        if (!rc) {
            size_t nf = 0;
            for (size_t c = 0; c < sh.ncol; c++) nf += !kinds[c] || kinds[c] == COL_CATEGORY;
            if (!nf) rc = fail(err, name, "no feature columns left (every column is the label, a target or ignored)");
        }
        if (!rc && table_build(p, end, line, sh.sep, sh.ncol, kinds, hdr, o->missing, o->quiet, name, &own, note, sizeof note, err)) rc = -1;
        tab = &own;
        if (!rc) {
            plan_layout(tab, P);
            P->nfile = sh.ncol, P->has_label = P->has_target = 1, P->fill_drop = own.missing == MISS_DROP;
            for (size_t c = 0; c < sh.ncol; c++) P->src[c] = (int32_t)c;
        }
    } else if (!rc && table_plan(tab, hdr, sh.ncol, P, name, o, err)) rc = -1;
    P->fill_later = o->fill_later;
    if (!rc && o->all_rows && o->tab) {
        if (!hdr && P->nfile == tab->ncol && plan_feature1(P, tab) && index_check(p, end, sh.sep, line, name, err)) rc = -1;
        for (size_t k = 0; !rc && !hdr && k < P->nfile; k++)
            if (P->src[k] >= 0 && tab->col[P->src[k]].kind == COL_LABEL &&
                label_place_check(p, end, sh.sep, k + 1, line, o, name, err))
                rc = -1;
        if (!rc && !hdr && shift_check(p, end, sh.sep, P, tab, o->in, line, name, err)) rc = -1;
        for (size_t k = 0; k < P->nfile; k++)
            if (P->src[k] >= 0 && (tab->col[P->src[k]].kind == COL_LABEL || tab->col[P->src[k]].kind == COL_TARGET))
                P->src[k] = -1;
        P->has_label = P->has_target = 0;
    }
    if (!rc && P->nx > NN_MAX_WIDTH) rc = fail(err, name, "%zu features after one-hot encoding; the limit is %d", P->nx, NN_MAX_WIDTH);
    if (!rc && o->want_lt) { /* the label or targets: needed to train or evaluate */
        size_t lc = lt_column(tab);
        char cl[80];
        if (lc < tab->ncol && !P->has_label)
            rc = fail(err, name, "no column %s, the model's %s, in the file", col_label(tab, lc, cl, sizeof cl),
                      tab->col[lc].kind == COL_LABEL ? "label" : "target");
    }
    if (!rc) {
        size_t cells;
        if (mul_ok(lines, P->nx ? P->nx : 1, &cells) || cells > NN_MAX_FILE) rc = fail(err, name, "too many values (%zu lines of %zu)", lines, P->nx);
        else if (!(x = alloc_array(cells, sizeof(float))) || (P->nt && !(t = alloc_array(lines * P->nt, sizeof(float)))) ||
                 !(lno = alloc_array(lines, sizeof *lno)) || !(lt = alloc_array(lines * 2, sizeof *lt)) || !(lq = alloc_array(lines, 1)))
            rc = fail(err, name, "out of memory for %zu rows", lines);
    }
    for (double t0 = now_seconds(); !rc && p < end; line++) {
        const char *eol = line_end(p, end), *lab[2] = {NULL, NULL};
        int isq = 0, r;
        CsvBad bad;
        size_t f0 = rn.filled;
        memset(&bad, 0, sizeof bad);
        load_progress(name, rows, (size_t)(p - buf), len, &t0, o->quiet);
        if (!skip_line_c(p, eol, !o2.hash_data)) {
            r = table_row(p, eol, sh.sep, P, x + rows * P->nx, t ? t + rows * P->nt : NULL, lab, &isq, &rn, &bad);
            if (r < 0) {
                where_line(where, name, line + 1);
                rc = csv_fail(err, where, &bad, sh.ncol);
                break;
            }
            if (r > 0) { /* no target or label (or --missing drop) */
                if (r & 1) {
                    if (!no_target++) first_skip = line + 1;
                } else {
                    dropped++;
                }
                rn.filled = f0;
            } else {
                lt[2 * rows] = lab[0], lt[2 * rows + 1] = lab[1], lq[rows] = (char)isq, lno[rows] = line + 1;
                rows++;
            }
        }
        p = eol + (eol < end);
    }
    if (!rc && rows == 0 && no_target && !dropped) rc = fail_all_missing(tab, name, first_skip, err); /* the label or target */
    if (!rc && rows == 0) rc = fail(err, name, "no data rows%s", no_target || dropped ? " with every value needed" : "");
    if (!rc && !tab_given && sh.doubt[0] && !o->target && !o->label_name) rc = fail(err, name, "%s", sh.doubt);
    if (!rc && P->has_label && P->nt == 0) {
        size_t lc = lt_column(tab); /* (no targets: the label, if any) */
        if (lc < tab->ncol) {
            if (!(y = alloc_array(rows, sizeof *y))) rc = fail(err, name, "out of memory");
            else {
                for (size_t j = 0; j < P->nfile; j++) /* the file's column number */
                    if (P->src[j] == (int32_t)lc) lc = j, j = P->nfile;
                if (csv_labels(lt, lq, lno, rows, lc + 1, len, o, name, y, &names, &nnames, err)) rc = -1;
            }
        }
    }
    if (!rc && t && !P->has_target) free(t), t = NULL; /* (targets not in the file: none, not zeros) */
    filled = rn.filled;
    if (!o->tab && hdr && P->nx <= NN_TABLE_NAMED && !counting_names(hdr, nh)) why |= TABLE_NAMES;
    free(lt), free(lq), free(kinds), names_free(hdr, nh);
    if (rc) {
        free(x), free(t), free(y), free(P), free(lno), table_free(&own);
        return -1;
    }
    d->lineno = lno;
    if (!o->quiet) {
        if (note[0]) say_lines(note);
        if (no_target) say("%s: %zu row%s without a %s dropped", name, no_target, plural(no_target), P->nt ? "target" : "label");
        if (dropped) say("%s: %zu row%s with a missing value dropped (--missing drop)", name, dropped, plural(dropped));
        if (o->tab && filled) say("%s: %zu missing value%s filled in with the training means", name, filled, plural(filled));
        note_unseen(&rn, tab, name);
    }
    d->n = rows, d->d = P->nx, d->xf = x, d->own_x = x, d->t = t, d->own_t = t, d->nt = P->nt;
    d->y = y, d->own_y = y;
    count_classes(d);
    if (names) d->names = names, d->nclass = nnames;
    d->maxabs = 0;
    for (size_t i = 0; i < rows * P->nx; i++)
        if (fabsf(x[i]) > d->maxabs) d->maxabs = fabsf(x[i]);
    d->tab = own, d->is_table = 1, d->headed = sh.head != NULL;
    if (o->quiet && P->moved) /* (said by the caller, when it says the loader's notes) */
        note_say(d->note, sizeof d->note, "%s: columns found by name; their order is not the training file's", name);
    for (uint32_t c = 0; c < own.ncol; c++) why |= own.col[c].kind == COL_CATEGORY ? TABLE_TEXT : 0;
    d->table_why = why | (filled || dropped ? TABLE_MISSING : 0);
    snprintf(d->name, sizeof d->name, "%s", name);
    free(P);
    return 0;
}

/* A training table's missing numbers were read as NaN (CsvOpt.fill_later):
 * fill them in tr, va and te (each may be NULL) with the means of tr's rows,
 * the rows trained on, so that no validation, fold or test row shapes the
 * values its own gaps get; keep (the final model) stores the means in tab as
 * the model's fill values.  A column missing in every row of tr keeps the
 * whole file's mean. */
static void fill_missing(Table *tab, int keep, Data *tr, Data *va, Data *te)
{
    Data *ds[3] = {tr, va, te};
    size_t off = 0;
    if (!tab || !tab->ncol || !tr || !tr->xf || tab->missing != MISS_MEAN) return;
    for (uint32_t c = 0; c < tab->ncol; c++) {
        Column *C = &tab->col[c];
        double sum = 0;
        size_t cnt = 0;
        float fill;
        if (C->kind == COL_CATEGORY) off += C->ncat;
        if (C->kind != COL_NUMBER) continue;
        for (size_t i = 0; i < tr->n; i++) {
            float v = tr->xf[i * tr->d + off];
            if (!isnan(v)) sum += v, cnt++;
        }
        fill = cnt ? (float)(sum / (double)cnt) : C->fill;
        if (keep) C->fill = fill;
        for (int k = 0; k < 3; k++) {
            float *x = ds[k] && ds[k]->xf && ds[k]->own_x == (const void *)ds[k]->xf ? ds[k]->own_x : NULL; /* (a table's rows are its own) */
            for (size_t i = 0; x && ds[k]->d > off && i < ds[k]->n; i++)
                if (isnan(x[i * ds[k]->d + off])) x[i * ds[k]->d + off] = fill;
        }
        off++;
    }
}

/* ======================================================================== */
/* @@formats data formats: dispatch, labels files, holdout                 */
/* ======================================================================== */

/* Replace *buf (*len bytes, a file image called name) by its gzip
 * contents when it is gzip; a gzip inside gzip is refused (a file that
 * inflates to itself exists).  On error *buf is freed. */
static int unwrap_gzip(uint8_t **buf, size_t *len, const char *name, Err *err)
{
    uint8_t *raw = NULL;
    size_t rawlen = 0;
    int rc;
    if (!looks_gzip(*buf, *len)) return 0;
    rc = gunzip(*buf, *len, NN_MAX_FILE, name, &raw, &rawlen, err);
    free(*buf);
    *buf = NULL;
    if (rc) return -1;
    if (looks_gzip(raw, rawlen)) {
        free(raw);
        return fail(err, name, "a gzip file inside a gzip file; unpack the outer one first");
    }
    *buf = raw, *len = rawlen;
    return 0;
}

/* A data file's format: a test on its first bytes (at least 4, or the whole
 * file when shorter) and a loader, tested in order as stb_image dispatches
 * its formats, so that a new format is a new row.  `whole`: read the whole
 * file before loading (predict streams the others as lines arrive).  A
 * loader takes over buf (kept by d, or freed); for images, labels come from
 * `labels` or the file beside them when want_labels. */
typedef struct {
    const char *name;
    int (*test)(const uint8_t *b, size_t n);
    int whole;
    int (*load)(const char *path, const char *name, uint8_t *buf, size_t len, const char *labels, const CsvOpt *o,
                int want_labels, Data *d, Err *err);
} DataFormat;

static int load_gzip_file(const char *path, const char *name, uint8_t *buf, size_t len, const char *labels,
                          const CsvOpt *o, int want_labels, Data *d, Err *err);
static int load_idx_file(const char *path, const char *name, uint8_t *buf, size_t len, const char *labels,
                         const CsvOpt *o, int want_labels, Data *d, Err *err);
static int load_csv_file(const char *path, const char *name, uint8_t *buf, size_t len, const char *labels,
                         const CsvOpt *o, int want_labels, Data *d, Err *err);
static int load_npy_file(const char *path, const char *name, uint8_t *buf, size_t len, const char *labels,
                         const CsvOpt *o, int want_labels, Data *d, Err *err);
static int load_npz_file(const char *path, const char *name, uint8_t *buf, size_t len, const char *labels,
                         const CsvOpt *o, int want_labels, Data *d, Err *err);
static int looks_text(const uint8_t *b, size_t n) { return (void)b, (void)n, 1; } /* the last row: the rest */

static const DataFormat data_formats[] = {
    {"gzip", looks_gzip, 1, load_gzip_file},
    {"IDX", looks_idx, 1, load_idx_file},
    {"NumPy .npy", looks_npy, 1, load_npy_file},
    {"NumPy .npz", looks_zip, 1, load_npz_file},
    {"CSV", looks_text, 0, load_csv_file},
};

static const DataFormat *data_format(const uint8_t *b, size_t n)
{
    size_t k = 0;
    while (!data_formats[k].test(b, n)) k++; /* (the last row takes anything) */
    return &data_formats[k];
}

static int whole_format(const uint8_t *b, size_t n) { return data_format(b, n)->whole; }

/* FILE:NAME given for a file that is not an .npz archive. */
static int npz_one_array(Err *err, const char *name, const char *array)
{
    return fail(err, name, "is not an .npz file: ':%s' names an array of one", array);
}

/* Load a data set from a file image already read (buf is taken over). */
static int load_data_buf(const char *path, uint8_t *buf, size_t len, const char *labels, const CsvOpt *o,
                         int want_labels, Data *d, Err *err)
{
    const char *name = strcmp(path, "-") ? path : "(stdin)";
    memset(d, 0, sizeof *d);
    if (o->array && !looks_zip(buf, len) && !looks_gzip(buf, len)) {
        free(buf);
        return npz_one_array(err, name, o->array);
    }
    return data_format(buf, len)->load(path, name, buf, len, labels, o, want_labels, d, err);
}

/* FILE.npz:NAME names an array of an .npz file: when path is no file but
 * such a name, *file gets the file's path and *array points at NAME. */
static int npz_split(const char *path, char *file, size_t cap, const char **array)
{
    const char *c = strrchr(path, ':');
    size_t n = c ? (size_t)(c - path) : 0;
    struct stat st;
    if (!c || !c[1] || strchr(c + 1, '/') || stat(path, &st) == 0 || n >= cap) return 0;
    if (!((n > 4 && !strncasecmp(c - 4, ".npz", 4)) || (n > 7 && !strncasecmp(c - 7, ".npz.gz", 7)))) return 0;
    memcpy(file, path, n), file[n] = 0;
    *array = c + 1;
    return 1;
}

/* Load a data set from `path` ("-" for standard input; FILE.npz:NAME for
 * one array of an .npz file), in any format of the table. */
static int load_data(const char *path, const char *labels, const CsvOpt *o, int want_labels, Data *d, Err *err)
{
    uint8_t *buf;
    size_t len;
    char file[NN_MAX_PATH];
    CsvOpt o2 = *o;
    memset(d, 0, sizeof *d);
    if (npz_split(path, file, sizeof file, &o2.array)) path = file;
    int rc = read_all(path, RD_DATA, &buf, &len, err) || load_data_buf(path, buf, len, labels, &o2, want_labels, d, err);
    if (d->note[0] && !o->quiet) say_lines(d->note); /* (also before an error: a header taken may explain it) */
    return rc ? -1 : 0;
}

static int load_gzip_file(const char *path, const char *name, uint8_t *buf, size_t len, const char *labels,
                          const CsvOpt *o, int want_labels, Data *d, Err *err)
{
    if (unwrap_gzip(&buf, &len, name, err)) return -1;
    if (o->array && !looks_zip(buf, len)) {
        free(buf);
        return npz_one_array(err, name, o->array);
    }
    return data_format(buf, len)->load(path, name, buf, len, labels, o, want_labels, d, err);
}

static int load_idx_file(const char *path, const char *name, uint8_t *buf, size_t len, const char *labels,
                         const CsvOpt *o, int want_labels, Data *d, Err *err)
{
    char guess[NN_MAX_PATH];
    const char *lname;
    uint8_t *lb;
    size_t llen;
    (void)o;
    if (load_idx_images(buf, len, name, d, err)) {
        free(buf);
        return -1;
    }
    if (!want_labels) return 0;
    if (!labels) {
        if (idx_labels_path(path, guess, sizeof guess)) {
            data_free(d);
            return fail(err, name, "IDX images need a labels file: give %s FILE", o->labels_opt ? o->labels_opt : "--labels");
        }
        labels = guess;
    }
    lname = strcmp(labels, "-") ? labels : "(stdin)";
    if (read_all(labels, RD_DATA, &lb, &llen, err) || unwrap_gzip(&lb, &llen, lname, err)) {
        data_free(d);
        return -1;
    }
    if (load_idx_labels(lb, llen, lname, d, err)) {
        free(lb);
        data_free(d);
        return -1;
    }
    free(lb);
    return 0;
}

static int load_csv_file(const char *path, const char *name, uint8_t *buf, size_t len, const char *labels,
                         const CsvOpt *o, int want_labels, Data *d, Err *err)
{
    int rc;
    CsvOpt o2;
    if (labels) {
        free(buf);
        return fail(err, name, "a labels file goes with IDX or NumPy images only; a CSV file holds its labels in a column");
    }
    if (memchr(buf, 0, len)) {
        size_t pl = strlen(path);
        free(buf);
        if (pl > 4 && (!strcmp(path + pl - 4, ".npy") || !strcmp(path + pl - 4, ".npz")))
            return fail(err, name, "not a NumPy %s file: it starts neither with \\x93NUMPY nor a zip header (bad magic)", path + pl - 4);
        return fail(err, name, "binary data, neither IDX, NumPy nor CSV text");
    }
    cr_lines(buf, len);
    {
        int sep = csv_first_sep((const char *)buf, (const char *)buf + len, o), dec = csv_decimal_state(o, sep);
        if (o->decimal == ',' && sep == ',') {
            free(buf);
            return fail(err, name, "--decimal ,: the fields are separated by commas too (give --sep ; or tab if they are not)");
        }
        csv_decimal(buf, len, sep, &dec);
        if (dec == 1 && !o->decimal && !o->quiet) say_decimal(name);
    }
    o2 = *o, o2.want_lt = want_labels;
    if (o->label_name && !o->tab && !o->may_table && label_by_name((const char *)buf, (const char *)buf + len, o, name, &o2, err))
        rc = -1; /* (eval, show: a plain model's label, found by its name) */
    else if (o2.tab || o2.target || o2.ignore || o2.label_name || o2.missing || o2.category ||
             (o2.may_table && has_row_names((const char *)buf, (const char *)buf + len, &o2))) /* a table */
        rc = load_table(buf, len, name, &o2, d, err);
    else if ((rc = load_csv(buf, len, name, &o2, d, err)) == -2) /* names or missing values among the features */
        rc = load_table(buf, len, name, &o2, d, err);
    if (rc) {
        free(buf);
        return -1;
    }
    free(buf);
    if (want_labels && !d->y && !d->t) {
        data_free(d);
        return fail(err, name, d->is_table ? "no label or target column" : "no label column (see --label-col)");
    }
    return 0;
}

/* The array pairs an .npz file's features and labels go by, in order of
 * preference; with one array only, it is the features. */
static const char *const npz_pairs[][2] = {
    {"x", "y"}, {"X", "y"}, {"X", "Y"}, {"images", "labels"}, {"inputs", "targets"}, {"inputs", "labels"},
    {"features", "labels"}, {"features", "targets"}, {"data", "labels"}, {"data", "target"}, {"x_train", "y_train"},
    {"X_train", "y_train"}, {"train_images", "train_labels"}, {"x_test", "y_test"}, {"X_test", "y_test"},
    {"test_images", "test_labels"}, {NULL, NULL}};

/* Read array e of zip image b into a (its bytes in *own, to be freed). */
static int npz_array(const uint8_t *b, size_t len, const char *name, const ZipEntry *e, Npy *a, uint8_t **own, Err *err)
{
    size_t n = 0;
    char where[NN_WHERE];
    where_array(where, name, e->name);
    if (zip_extract(b, len, name, e, own, &n, err)) return -1;
    if (npy_header(*own, n, where, a, err)) {
        free(*own), *own = NULL;
        return -1;
    }
    return 0;
}

/* The arrays of an .npz file, listed for a message: "x, y, z". */
static void npz_names(const ZipEntry *E, size_t n, char *out, size_t cap)
{
    size_t k = 0;
    out[0] = 0;
    for (size_t i = 0; i < n && k + 1 < cap; i++) k += (size_t)snprintf(out + k, cap - k, "%s%s", i ? ", " : "", E[i].name);
}

/* The labels array that goes with features array x by name (beyond the
 * pairs' table): x_test -> y_test, X_val -> y_val, test_images ->
 * test_labels; 1, or 0 for none. */
static int npz_label_name(const char *x, char *out, size_t n)
{
    const char *p;
    if ((x[0] == 'x' || x[0] == 'X') && x[1] == '_' && strlen(x) < n) {
        snprintf(out, n, "y%s", x + 1);
        return 1;
    }
    if ((p = strstr(x, "images")) && strlen(x) < n) {
        snprintf(out, n, "%.*slabels%s", (int)(p - x), x, p + 6);
        return 1;
    }
    return 0;
}

static const ZipEntry *npz_find(const ZipEntry *E, size_t n, const char *want)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(E[i].name, want)) return &E[i];
    return NULL;
}

/* Load labels for d (want them) from a file image in any format that
 * holds them: .npy, .npz (one array, or one named y, labels, targets,
 * target), IDX, each perhaps gzipped; buf is freed. */
static int load_labels_buf(uint8_t *buf, size_t len, const char *lname, const char *array, const CsvOpt *o, Data *d, Err *err)
{
    Npy a;
    int rc;
    if (unwrap_gzip(&buf, &len, lname, err)) return -1;
    if (looks_npy(buf, len)) {
        rc = npy_header(buf, len, lname, &a, err) || npy_labels(&a, lname, o, d, err) ? -1 : 0;
    } else if (looks_zip(buf, len)) {
        ZipEntry *E;
        size_t n;
        const ZipEntry *e = NULL;
        uint8_t *own = NULL;
        static const char *const names[] = {"y", "labels", "targets", "target", "Y", NULL};
        char list[400];
        if (zip_list(buf, len, lname, &E, &n, err)) {
            free(buf);
            return -1;
        }
        for (int k = 0; names[k] && !e && !array; k++) e = npz_find(E, n, names[k]);
        if (array) e = npz_find(E, n, array);
        if (!e && n == 1 && !array) e = &E[0];
        npz_names(E, n, list, sizeof list);
        if (!e && array) rc = fail(err, lname, "no array named '%s'; the file holds %s", array, n ? list : "none");
        else if (!e)
            rc = fail(err, lname, "no labels array named y, labels, targets or target among %s: choose one with FILE.npz:NAME", n ? list : "none");
        else {
            char where[NN_WHERE];
            where_array(where, lname, e->name);
            rc = npz_array(buf, len, lname, e, &a, &own, err) || npy_labels(&a, where, o, d, err) ? -1 : 0;
        }
        free(own), free(E);
    } else if (looks_idx(buf, len)) {
        rc = load_idx_labels(buf, len, lname, d, err);
    } else {
        rc = fail(err, lname, "a labels file must be .npy, .npz or IDX");
    }
    free(buf);
    return rc;
}

/* The labels file that goes with NumPy features, by the usual names:
 * x.npy -> y.npy, X_train.npy -> y_train.npy, foo_x.npy -> foo_y.npy,
 * images -> labels. */
static int npy_labels_path(const char *x, char *out, size_t cap)
{
    const char *base = strrchr(x, '/'), *dot;
    struct stat st;
    base = base ? base + 1 : x;
    dot = strchr(base, '.');
    if (strlen(x) >= cap) return -1;
    if ((base[0] == 'x' || base[0] == 'X') && (base[1] == '.' || base[1] == '_')) {
        strcpy(out, x);
        out[base - x] = 'y';
        return stat(out, &st) == 0 && S_ISREG(st.st_mode) ? 0 : -1;
    }
    if (dot && dot - base >= 3 && (dot[-1] == 'x' || dot[-1] == 'X') && dot[-2] == '_') { /* a suffix: foo_x */
        strcpy(out, x);
        out[dot - 1 - x] = 'y';
        return stat(out, &st) == 0 && S_ISREG(st.st_mode) ? 0 : -1;
    }
    return idx_labels_path(x, out, cap);
}

/* Labels for NumPy features: from `labels`, or the file beside path. */
static int npy_take_labels(const char *path, const char *name, const char *labels, const CsvOpt *o, Data *d, Err *err)
{
    char guess[NN_MAX_PATH];
    uint8_t *lb;
    size_t llen;
    const char *lname;
    if (!labels) {
        if (npy_labels_path(path, guess, sizeof guess))
            return fail(err, name, "no labels: give them with --labels (train: --train-labels, --test-labels), or save an .npz with arrays x and y");
        labels = guess;
    }
    {
        char file[NN_MAX_PATH];
        const char *array = NULL;
        if (npz_split(labels, file, sizeof file, &array)) labels = file; /* FILE.npz:NAME */
        lname = strcmp(labels, "-") ? labels : "(stdin)";
        if (read_all(labels, RD_DATA, &lb, &llen, err)) return -1;
        if (array && !looks_zip(lb, llen) && !looks_gzip(lb, llen)) {
            free(lb);
            return npz_one_array(err, lname, array);
        }
        return load_labels_buf(lb, llen, lname, array, o, d, err);
    }
}

static int load_npy_file(const char *path, const char *name, uint8_t *buf, size_t len, const char *labels,
                         const CsvOpt *o, int want_labels, Data *d, Err *err)
{
    Npy a;
    if (npy_header(buf, len, name, &a, err)) {
        free(buf);
        return -1;
    }
    if (npy_features(&a, buf, name, o, d, err)) return -1; /* (buf taken over) */
    if (want_labels && !d->n) {
        data_free(d);
        return fail(err, name, "the array has no rows");
    }
    if (labels && !want_labels) {
        data_free(d);
        return fail(err, name, "a labels file is not read here");
    }
    if (want_labels && npy_take_labels(path, name, labels, o, d, err)) {
        data_free(d);
        return -1;
    }
    return 0;
}

static int load_npz_file(const char *path, const char *name, uint8_t *buf, size_t len, const char *labels,
                         const CsvOpt *o, int want_labels, Data *d, Err *err)
{
    ZipEntry *E;
    size_t n;
    const ZipEntry *ex = NULL, *ey = NULL;
    char list[400], where[700];
    Npy a;
    uint8_t *own = NULL;
    (void)path;
    if (zip_list(buf, len, name, &E, &n, err)) {
        free(buf);
        return -1;
    }
    npz_names(E, n, list, sizeof list);
    if (o->array) { /* FILE.npz:NAME: that array, and its labels by the usual names */
        char lname[160];
        if (!(ex = npz_find(E, n, o->array))) {
            fail(err, name, "no array named '%s'; the file holds %s", o->array, n ? list : "none");
            free(E), free(buf);
            return -1;
        }
        for (int k = 0; npz_pairs[k][0] && !ey; k++)
            if (!strcmp(npz_pairs[k][0], o->array)) ey = npz_find(E, n, npz_pairs[k][1]);
        if (!ey && npz_label_name(o->array, lname, sizeof lname)) ey = npz_find(E, n, lname);
    } else {
        for (int k = 0; npz_pairs[k][0] && !ex; k++) /* a pair whose two arrays are there */
            if (npz_find(E, n, npz_pairs[k][0]) && npz_find(E, n, npz_pairs[k][1]))
                ex = npz_find(E, n, npz_pairs[k][0]), ey = npz_find(E, n, npz_pairs[k][1]);
        for (int k = 0; npz_pairs[k][0] && !ex; k++) /* else features alone */
            ex = npz_find(E, n, npz_pairs[k][0]);
        if (!ex && n == 1) ex = &E[0];
        if (ex && (npz_find(E, n, "x_test") || npz_find(E, n, "X_test") || npz_find(E, n, "test_images")) &&
            (!strcmp(ex->name, "x_train") || !strcmp(ex->name, "X_train") || !strcmp(ex->name, "train_images"))) {
            if (!strcmp(name, "(stdin)"))
                fail(err, name, "holds training and test arrays (%s): save it as a file and choose with FILE.npz:%s or FILE.npz:%s", list,
                     ex->name, ex->name[0] == 't' ? "test_images" : ex->name[0] == 'X' ? "X_test" : "x_test");
            else
                fail(err, name, "holds training and test arrays (%s): choose with %s:%s or %s:%s", list, name, ex->name, name,
                     ex->name[0] == 't' ? "test_images" : ex->name[0] == 'X' ? "X_test" : "x_test");
            free(E), free(buf);
            return -1;
        }
    }
    if (!ex) {
        free(E), free(buf);
        return fail(err, name, "%s: nn reads the features from an array named x (or X, images, inputs, features, data, x_train; "
                    "or choose one with FILE.npz:NAME), the labels from y (or labels, targets); this file holds %s",
                    n ? "no features array" : "an empty archive", n ? list : "no arrays");
    }
    where_array(where, name, ex->name);
    if (npz_array(buf, len, name, ex, &a, &own, err) || npy_features(&a, own, where, o, d, err)) { /* (own taken over) */
        free(E), free(buf);
        return -1;
    }
    snprintf(d->name, sizeof d->name, "%s", name);
    if (want_labels && !d->n) {
        free(E), free(buf), data_free(d);
        return fail(err, where, "the array has no rows");
    }
    if (want_labels && labels) {
        free(E), free(buf);
        if (npy_take_labels(path, name, labels, o, d, err)) {
            data_free(d);
            return -1;
        }
        return 0;
    }
    if (want_labels) {
        own = NULL;
        if (!ey) {
            fail(err, name, "no labels array to go with %s (nn takes y for x, labels for images, ...); the file holds %s", ex->name, list);
            free(E), free(buf), data_free(d);
            return -1;
        }
        where_array(where, name, ey->name);
        if (npz_array(buf, len, name, ey, &a, &own, err) || npy_labels(&a, where, o, d, err)) {
            free(own), free(E), free(buf), data_free(d);
            return -1;
        }
        free(own);
    }
    free(E), free(buf);
    return 0;
}

/* A copy of rows idx[0..cnt) of `all` into o, owning its rows (the table
 * stays with `all`); `what` names it ("training", "held-out"). */
static int data_pick(const Data *all, const size_t *idx, size_t cnt, const char *what, Data *o, Err *err)
{
    size_t es = all->x8 ? 1 : sizeof(float);
    uint8_t *x = alloc_array(cnt * all->d, es);
    int32_t *y = all->y ? alloc_array(cnt, sizeof(int32_t)) : NULL;
    float *t = all->t ? alloc_array(cnt * all->nt, sizeof(float)) : NULL;
    int ok = 1;
    memset(o, 0, sizeof *o);
    if (!x || (all->y && !y) || (all->t && !t)) {
        free(x), free(y), free(t);
        return fail(err, all->name, "out of memory");
    }
    for (size_t i = 0; i < cnt; i++) {
        const uint8_t *from = all->x8 ? all->x8 + idx[i] * all->d : (const uint8_t *)(all->xf + idx[i] * all->d);
        memcpy(x + i * all->d * es, from, all->d * es);
        if (y) y[i] = all->y[idx[i]];
        if (t) memcpy(t + i * all->nt, all->t + idx[i] * all->nt, all->nt * sizeof(float));
    }
    *o = *all;
    memset(&o->tab, 0, sizeof o->tab);
    o->lineno = all->lineno ? alloc_array(cnt, sizeof *o->lineno) : NULL, o->rowno = alloc_array(cnt, sizeof *o->rowno);
    if ((all->lineno && !o->lineno) || !o->rowno) {
        free(x), free(y), free(t), free(o->lineno), free(o->rowno);
        memset(o, 0, sizeof *o);
        return fail(err, all->name, "out of memory");
    }
    for (size_t i = 0; i < cnt; i++) { /* where each row was */
        if (o->lineno) o->lineno[i] = all->lineno[idx[i]];
        o->rowno[i] = all->rowno ? all->rowno[idx[i]] : idx[i];
    }
    o->n = cnt, o->own_x = x, o->own_y = y, o->y = y, o->own_t = t, o->t = t;
    if (all->x8) o->x8 = x;
    else o->xf = (const float *)x;
    o->names = names_dup(all->names, all->nclass, &ok);
    if (!ok) {
        data_free(o);
        return fail(err, all->name, "out of memory");
    }
    snprintf(o->name, sizeof o->name, "%.400s (%s %zu rows)", all->name, what, cnt);
    return 0;
}

/* Move k rows, chosen by a seeded shuffle, of `all` into `held`; `rest`
 * gets the others (and the table).  `all` is freed. */
static int data_holdout(Data *all, size_t k, uint64_t seed, Data *rest, Data *held, Err *err)
{
    size_t *idx = alloc_array(all->n, sizeof(size_t));
    Rng r;
    if (!idx) return fail(err, all->name, "out of memory");
    for (size_t i = 0; i < all->n; i++) idx[i] = i;
    rng_seed(&r, seed ^ STREAM_HOLDOUT);
    shuffle(&r, idx, all->n);
    if (data_pick(all, idx, all->n - k, "training", rest, err)) {
        free(idx);
        return -1;
    }
    if (data_pick(all, idx + all->n - k, k, "held-out", held, err)) {
        free(idx), data_free(rest);
        return -1;
    }
    free(idx);
    rest->tab = all->tab, memset(&all->tab, 0, sizeof all->tab); /* the table moves to the training rows */
    data_free(all);
    return 0;
}

/* ======================================================================== */
/* @@train training loop                                                   */
/* ======================================================================== */

/* How to train: everything but the network and the data. */
typedef struct {
    float eta;
    size_t epochs, batch;
    uint64_t seed;
    int quiet;
    int optimizer, schedule, init;
    float momentum, beta1, beta2, epsilon, lambda, dropout, gamma;
    size_t step, patience;
    uint32_t augment;    /* as Meta.augment */
    int chart_fixed;     /* --chart fixed: the epoch chart from 0 to 100% */
    size_t img[3];       /* with augment: the images' C x H x W */
    int by_loss;         /* --monitor loss: a classifier's better validation epoch has the lower loss (a regression's always) */
    size_t ensemble;     /* --ensemble K: networks trained and averaged (0 or 1: one) */
} TrainOpt;

/* The defaults profiles: what nn train chooses for a setting that is not
 * given.  Every run starts from the textbook's (train_options); a table
 * (table_defaults) and a convolutional network (conv_defaults) then
 * choose their own for what is still not given, and say so; `nn train
 * --help` prints this table.  A zero (a negative lambda) leaves a setting
 * to the profile before. */
enum { PROFILE_TEXTBOOK, PROFILE_TABLE, PROFILE_CONV, PROFILE_COUNT };
typedef struct {
    const char *name;     /* in the defaults notice and --help */
    const char *when;     /* when it applies, for --help */
    int optimizer;        /* when --optimizer and --momentum are not given */
    float eta_own;        /* eta with that optimizer (0: as eta[]) */
    float eta[OPT_COUNT]; /* eta with an optimizer that is named */
    float momentum;       /* with momentum or nesterov */
    size_t batch, epochs;
    float lambda;
    int hidden, output;   /* activations of layers the spec does not name (output: of a classifier of 3 or more classes) */
    int standardize;      /* standardised inputs, unless --scale */
    double val;           /* without --val, given 20 rows or more: the fraction held out for validation */
    size_t patience;      /* with that validation: epochs without a better one before stopping */
    size_t width;         /* without --layers: the units of the one hidden layer */
    size_t bins, bins_rows; /* and, given this many rows or more and a column of more than two values, pleKv after the input */
    size_t small;         /* a table of at most this many rows trains on all of them (no validation holdout), */
    size_t small_epochs;  /* for this many epochs, */
    float small_lambda;   /* with this L2 lambda: a fifth of a small table held out to stop early chose epochs by noise */
} Profile;

static const Profile profiles[PROFILE_COUNT] = {
    [PROFILE_TEXTBOOK] = {.name = "textbook", .when = "dense networks on images and plain CSV",
                          .optimizer = OPT_SGD, .eta = {[OPT_SGD] = 3.0f, [OPT_MOMENTUM] = 0.1f, [OPT_NESTEROV] = 0.1f,
                                                        [OPT_ADAM] = 0.001f},
                          .momentum = 0.9f, .batch = 10, .epochs = 30, .hidden = ACT_SIGMOID, .output = ACT_SIGMOID,
                          .width = 30},
    [PROFILE_TABLE] = {.name = "table", .when = "a CSV file with a target, a label named, categories, missing values, or a header naming at most 256 columns",
                       .optimizer = OPT_ADAM, .eta_own = 0.003f,
                       .eta = {[OPT_SGD] = 0.01f, [OPT_MOMENTUM] = 0.001f, [OPT_NESTEROV] = 0.001f},
                       .batch = 16, .epochs = 1000, .lambda = 1, .hidden = ACT_RELU, .output = ACT_SOFTMAX,
                       .standardize = 1, .val = 0.2, .patience = 100, .width = 64, .bins = 8, .bins_rows = 256,
                       .small = 1000, .small_epochs = 200,
                       .small_lambda = 3},
    [PROFILE_CONV] = {.name = "convolutional", .when = "a spec with convolutions or pools",
                      .optimizer = OPT_MOMENTUM,
                      .eta = {[OPT_SGD] = 0.05f, [OPT_MOMENTUM] = 0.05f, [OPT_NESTEROV] = 0.05f},
                      .momentum = 0.9f, .batch = 64, .lambda = -1, .hidden = ACT_RELU, .output = ACT_SOFTMAX},
};

/* The textbook's settings: plain SGD, eta 3, batch 10, 30 epochs. */
static TrainOpt train_defaults(void)
{
    const Profile *P = &profiles[PROFILE_TEXTBOOK];
    TrainOpt o;
    memset(&o, 0, sizeof o);
    o.optimizer = P->optimizer;
    o.eta = P->eta[P->optimizer];
    o.epochs = P->epochs;
    o.batch = P->batch;
    o.lambda = P->lambda;
    o.seed = 1;
    o.schedule = SCHED_CONSTANT;
    o.beta1 = 0.9f;
    o.beta2 = 0.999f;
    o.epsilon = 1e-8f;
    o.gamma = 0.1f;
    o.step = 10;
    return o;
}

/* The layer kinds and the profiles, as `nn train --help` lists them. */
static void print_profiles(FILE *f)
{
    fprintf(f, "layers (--layers: the input's size, or channels x height x width like 1x28x28, then layers, '-' between):\n");
    for (int k = 1; k < LAYER_COUNT; k++) fprintf(f, "  %s\n", layer_kinds[k].notation);
    fprintf(f, "defaults (a setting not given; each profile changes the one before it):\n");
    for (int p = 0; p < PROFILE_COUNT; p++) {
        const Profile *P = &profiles[p];
        fprintf(f, "  %s (%s):", P->name, P->when);
        if (P->width) fprintf(f, " no --layers: IN-%zu-OUT,", P->width);
        if (P->bins)
            fprintf(f, " IN-ple%zuv-%zu-OUT given %zu rows or more and a column of more than two values,", P->bins, P->width, P->bins_rows);
        if (P->hidden) fprintf(f, " %s hidden layers,", act_name(P->hidden));
        if (P->output) fprintf(f, " %s output%s,", act_name(P->output), p == PROFILE_TEXTBOOK ? "" : " (classes)");
        if (P->standardize) fprintf(f, " standardised inputs,");
        if (P->optimizer) fprintf(f, " %s", opt_names[P->optimizer]);
        if (P->eta_own) fprintf(f, " at eta %g", (double)P->eta_own);
        fprintf(f, ", eta");
        for (int o = 1; o < OPT_COUNT; o++)
            if (P->eta[o] > 0) fprintf(f, " %g (%s)", (double)P->eta[o], opt_names[o]);
        if (P->momentum > 0) fprintf(f, ", momentum %g", (double)P->momentum);
        if (P->batch) fprintf(f, ", batch %zu", P->batch);
        if (P->epochs) fprintf(f, ", %s%zu epochs", P->val > 0 ? "up to " : "", P->epochs);
        if (P->lambda >= 0) fprintf(f, ", L2 lambda %g", (double)P->lambda);
        if (P->val > 0) fprintf(f, ", %g of the rows held out for validation, patience %zu", P->val, P->patience);
        if (P->small)
            fprintf(f, "; a table of at most %zu rows: every row trained on (no validation holdout) for %zu epochs, L2 lambda %g",
                    P->small, P->small_epochs, (double)P->small_lambda);
        fprintf(f, "\n");
    }
}

typedef struct {
    double final_acc, best_acc;  /* on the test set, per epoch */
    size_t best_test_epoch;
    double val_acc;              /* the saved model's validation accuracy */
    size_t saved_epoch;          /* the epoch whose weights were kept */
    double seconds;
    int setup;                   /* the run failed before training (no model to keep) */
} TrainResult;

static int all_finite(const float *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isfinite(p[i])) return 0;
    return 1;
}

/* The first of n rows of K outputs that is not all finite (a value too
 * large for the model's scaling), or n. */
static size_t first_nonfinite(const float *out, size_t n, size_t K)
{
    size_t r = 0;
    while (r < n && all_finite(out + r * K, K)) r++;
    return r;
}

/* The learning rate of epoch e (0-based) of E. */
static float schedule_eta(const TrainOpt *o, size_t e)
{
    switch (o->schedule) {
    case SCHED_STEP: return (float)(o->eta * pow(o->gamma, (double)(e / o->step)));
    case SCHED_EXP: return (float)(o->eta * pow(o->gamma, (double)e));
    case SCHED_COSINE: return (float)(0.5 * o->eta * (1.0 + cos(3.141592653589793 * (double)e / (double)o->epochs)));
    default: return o->eta;
    }
}

/* The score of the network on d, as its task measures it (outputs
 * computed into out, labels into pred, both sized for d). */
static void evaluate(Pool *pl, Infer *I, const Net *N, const Data *d, float *out, int32_t *pred, Score *s)
{
    infer_all(pl, I, d, out, pred);
    TASK(N)->score(N, d, out, pred, s);
}

/* Divergence that is not NaN: a learning rate far too large can saturate
 * every sigmoid or kill every ReLU, after which the network gives every
 * row the same answer and the cost stays flat, finite and useless.  It is
 * seen on the probe (up to NN_PROBE training rows, in file order): when its
 * labels hold two classes or more but no output of the network varies
 * across its rows by more than a millionth of its size, the network has
 * collapsed (1); or when every output sits at an end of its range (within
 * 0.01) while the answers are no better than guessing (2).  A network that
 * is merely learning slowly still varies with its input and is not
 * saturated; one whose input does not vary is not probed. */
#define NN_PROBE 512
#define NN_SATURATED 0.5 /* the share of saturated sigmoid outputs after epoch 1 that gets the note on --init scaled */

static int probe_usable(const Data *p)
{
    size_t r = 1, same = 1;
    if (p->y) while (r < p->n && p->y[r] == p->y[0]) r++;
    else while (r < p->n && !memcmp(p->t + r * p->nt, p->t, p->nt * sizeof *p->t)) r++;
    if (r == p->n) return 0; /* one class (or target value): a constant answer may be right */
    for (size_t i = p->d; i < p->n * p->d && same; i++)
        same = p->x8 ? p->x8[i] == p->x8[i % p->d] : p->xf[i] == p->xf[i % p->d];
    return !same;
}

static int collapsed(Pool *pl, Infer *I, const Net *N, const Data *probe, float *out, int32_t *pred)
{
    size_t K = N->size[N->nl - 1], ok = 0, most = 0, *cnt = calloc(net_classes(N), sizeof(size_t));
    double spread = 0, size = 1, p;
    const ActSpec *act = &acts[N->layer[N->nl - 1].act];
    int sat = cnt && act->lo < act->hi; /* a bounded output can saturate */
    infer_all(pl, I, probe, out, pred);
    for (size_t r = 0; r < probe->n && probe->y; r++) { /* saturated: every output at an end of its range */
        double mx = act->lo;
        ok += pred[r] == probe->y[r];
        if (cnt && ++cnt[probe->y[r]] > most) most = cnt[probe->y[r]];
        for (size_t k = 0; k < K && sat; k++) {
            double v = out[r * K + k];
            sat = v <= act->lo + 1e-2 || v >= act->hi - 1e-2;
            mx = v > mx ? v : mx;
        }
        if (act->where & ACT_ROW) sat &= mx >= act->hi - 1e-2; /* one output takes it all (with many
                                                                 * classes every output can be small) */
    }
    /* ... and no better than guessing: below the largest class's share plus
     * a quarter of the rest (a confident network that is right is not this) */
    p = (double)most / (double)probe->n;
    free(cnt);
    for (size_t k = 0; k < K; k++) {
        double lo = out[k], hi = out[k];
        for (size_t r = 1; r < probe->n; r++) {
            double v = out[r * K + k];
            lo = v < lo ? v : lo, hi = v > hi ? v : hi;
        }
        spread = hi - lo > spread ? hi - lo : spread;
        size = fabs(lo) > size ? fabs(lo) : size, size = fabs(hi) > size ? fabs(hi) : size;
    }
    if (spread <= 1e-6 * size) return 1;
    return sat && probe->y && (double)ok / (double)probe->n < p + (1 - p) / 4 ? 2 : 0;
}

/* The largest share, over N's hidden sigmoid layers, of outputs within 0.02
 * of 0 or 1 (where sigma' < 0.02: the unit learns slowly) on the rows of
 * probe; the layer in *at.  0 when no hidden layer is sigmoid or memory
 * runs out.  (An output layer's units near 0 are a confident classifier's.) */
static double sigmoid_saturation(const Net *N, const InputMap *in, const Data *probe, int *at)
{
    float *A[NN_MAX_LAYERS] = {0}, *tmp = alloc_floats(net_tmp(N) + 1);
    double worst = 0;
    int ok = tmp != NULL;
    *at = 0;
    for (int l = 0; l < N->nl && ok; l++) ok = (A[l] = alloc_floats2(probe->n, N->ld[l])) != NULL;
    if (ok) forward_keep(N, in, probe, 0, probe->n, A, tmp);
    for (int l = 1; l < N->nl - 1 && ok; l++) {
        size_t sat = 0;
        if (N->layer[l].act != ACT_SIGMOID) continue;
        for (size_t r = 0; r < probe->n; r++)
            for (size_t j = 0; j < N->size[l]; j++) {
                float v = A[l][r * N->ld[l] + j];
                sat += v < 0.02f || v > 0.98f;
            }
        if ((double)sat / (double)(probe->n * N->size[l]) > worst) {
            worst = (double)sat / (double)(probe->n * N->size[l]);
            *at = l;
        }
    }
    for (int l = 0; l < N->nl; l++) free(A[l]);
    free(tmp);
    return worst;
}

/* What a run tells a watcher after each epoch (nn train --report), and
 * once more at its end (last, with the model kept). */
typedef struct {
    size_t epoch, epochs;       /* this one (from 1), and how many were asked for */
    double cost;                /* the mean training cost (NAN on the last call) */
    double train;               /* the metric on the probe, the first NN_PROBE training rows (NAN: none) */
    double val, val_cost;       /* on the validation set (NAN: none) */
    double test, test_cost;     /* on the test set (NAN: none) */
    double eta, seconds;
    const Data *probe;          /* the probe's rows */
    const Data *eval;           /* the test set (else the validation set), or NULL */
    const float *out;           /* its outputs (eval->n, size[L]) and labels */
    const int32_t *pred;
    int last;
} EpochFig;

/* What surrounds a training run: checkpoints, a resumed state, signals. */
typedef struct {
    const char *ckpt;  /* write a checkpoint here (NULL: none) */
    size_t every;      /* ... every this many epochs, and on interruption */
    int argc;          /* the `nn train` arguments, kept in the checkpoint */
    char **argv;
    Ckpt *resume;      /* continue from this state (NULL: a fresh start) */
    volatile sig_atomic_t *stop; /* set by SIGINT or SIGTERM */
    int interrupted;   /* out: the run stopped early on a signal */
    FILE *log;         /* --log: one CSV row per epoch (NULL: none) */
    int progress;      /* as Trainer.progress */
    int (*watch)(void *ctx, const Net *N, const Meta *M, const EpochFig *f, Err *err); /* after each epoch, or NULL; -1 stops the run */
    void *watch_ctx;
} TrainCtl;

/* A one-line chart of v[0..n) with block characters, on stderr, and under
 * it, when w is not NULL, one of w on the same scale: the range of both, a
 * range narrower than NN_CHART_MIN (10 points) widened around its middle (a run stuck
 * near 10% is not drawn as a rising curve), or 0 to 1 when fixed. */
#define NN_CHART_MIN 0.10
static void sparkline(const char *what, const double *v, const char *what2, const double *w, size_t n, int percent,
                      int fixed)
{
    static const char *const bars[8] = {"\u2581", "\u2582", "\u2583", "\u2584", "\u2585", "\u2586", "\u2587", "\u2588"};
    double lo = v[0], hi = v[0], a, b;
    size_t step = n > 60 ? (n + 59) / 60 : 1; /* at most 60 columns */
    int pad = w ? (int)(strlen(what) > strlen(what2) ? strlen(what) : strlen(what2)) : 0;
    for (size_t i = 0; i < n; i++) {
        lo = v[i] < lo ? v[i] : lo;
        hi = v[i] > hi ? v[i] : hi;
        if (w && isfinite(w[i])) {
            lo = w[i] < lo ? w[i] : lo;
            hi = w[i] > hi ? w[i] : hi;
        }
    }
    a = lo;
    b = hi;
    if (fixed && percent) {
        a = 0;
        b = 1;
    } else if (percent && hi - lo < NN_CHART_MIN) { /* (a narrow range) */
        a = (lo + hi) / 2 - NN_CHART_MIN / 2;
        b = a + NN_CHART_MIN;
    }
    for (int line = 0; line < (w ? 2 : 1); line++) {
        const double *x = line ? w : v;
        fprintf(stderr, "%s by epoch: %*s", line ? what2 : what, pad - (int)strlen(line ? what2 : what), "");
        for (size_t i = 0; i < n; i += step) {
            double t = b > a ? (x[i] - a) / (b - a) : 1;
            fputs(isfinite(x[i]) ? bars[t <= 0 ? 0 : t >= 1 ? 7 : (int)(t * 7.999)] : " ", stderr);
        }
        if (line + 1 < (w ? 2 : 1)) {
            fputc('\n', stderr);
            continue;
        }
        char every[48] = ""; /* more epochs than columns: which are drawn */
        if (step > 1) snprintf(every, sizeof every, "; a bar every %zu epochs", step);
        const char *both = w ? "both lines, on one scale: " : ""; /* (the range is the two lines') */
        if (!percent) fprintf(stderr, "  (%s%.4f .. %.4f%s)\n", both, lo, hi, every);
        else if (fixed) fprintf(stderr, "  (%s%.2f%% .. %.2f%%, drawn from 0 to 100%%%s)\n", both, 100 * lo, 100 * hi, every);
        else if (hi - lo < NN_CHART_MIN) fprintf(stderr, "  (%s%.2f%% .. %.2f%%: a narrow range, drawn on a scale of %.0f percentage points%s)\n", both, 100 * lo, 100 * hi, 100 * NN_CHART_MIN, every);
        else fprintf(stderr, "  (%s%.2f%% .. %.2f%%%s)\n", both, 100 * lo, 100 * hi, every);
    }
}

/* The state of a training run beside the network: the trainer and the
 * inference buffers, the shuffle's generator and order, the last good and
 * the best parameters with the counters that go with them (what a
 * checkpoint saves and a resume restores), and the buffers of the
 * evaluations between epochs.  Made by run_init, freed by run_free. */
typedef struct {
    Trainer T;
    Infer I;
    Rng rng;                       /* the shuffle's own stream */
    size_t *order;                 /* (n) the training rows in this epoch's order */
    float *good;                   /* (nparam) the parameters after the last epoch that went well */
    size_t good_epoch;             /* that epoch */
    size_t sat_from;               /* the first epoch of a saturated plateau, or 0 */
    float *best;                   /* (nparam) the best epoch on validation; NULL without --val */
    Score best_score;              /* its score on the validation set */
    int32_t small;                 /* the smallest class, its validation recall shown, or -1 (classes within 2:1) */
    size_t since;                  /* epochs since it */
    int states;                    /* the optimiser's state arrays: 0, 1 or 2 */
    uint32_t dcrc;                 /* the training data's CRC, with --checkpoint or --resume */
    int32_t *pred;                 /* (max(validation, test) rows) */
    float *out;                    /* (the same, outputs) */
    Data probe;                    /* a view of the first NN_PROBE training rows, for the collapse check */
    int32_t *ppred;
    float *pout;
    int32_t *tpred;                /* (training rows) for --log's training accuracy, or NULL */
    float *tout;
    double *chart;                 /* (epochs) the accuracy chart, or NULL */
    double *tchart;                /* (epochs) the training accuracy on the probe, or NULL */
    size_t nchart;
} Run;

static void run_free(Run *r)
{
    trainer_free(&r->T), infer_free(&r->I);
    free(r->order), free(r->good), free(r->best), free(r->pred), free(r->out);
    free(r->ppred), free(r->pout), free(r->tpred), free(r->tout), free(r->chart), free(r->tchart);
    memset(r, 0, sizeof *r);
}

/* Allocate a run's state for training N on tr (validated on va, tested on
 * te, both optional) with settings o, and set up its trainer. */
static int run_init(Run *r, Net *N, Meta *M, const Data *tr, const Data *va, const Data *te, const TrainOpt *o,
                    Pool *pl, const TrainCtl *ctl, Err *err)
{
    size_t K = N->size[N->nl - 1], nmax = (va ? va->n : 0) > (te ? te->n : 0) ? va->n : te ? te->n : 0;
    size_t np = tr->n < NN_PROBE ? tr->n : NN_PROBE;
    int log = ctl && ctl->log;
    memset(r, 0, sizeof *r);
    r->states = o->optimizer == OPT_ADAM ? 2 : o->optimizer == OPT_SGD ? 0 : 1;
    r->best_score.metric = -HUGE_VAL, r->best_score.cost = HUGE_VAL; /* below any score */
    r->dcrc = (ctl && (ctl->ckpt || ctl->resume)) ? data_crc(tr) : 0;
    r->probe = *tr, r->probe.n = np;
    r->order = alloc_array(tr->n, sizeof(size_t)), r->good = alloc_floats(N->nparam);
    r->best = va ? alloc_floats(N->nparam) : NULL;
    r->pred = alloc_array(nmax ? nmax : 1, sizeof(int32_t)), r->out = alloc_floats((nmax ? nmax : 1) * K);
    r->ppred = alloc_array(np, sizeof(int32_t)), r->pout = alloc_floats(np * K);
    r->tpred = log ? alloc_array(tr->n, sizeof(int32_t)) : NULL, r->tout = log ? alloc_floats(tr->n * K) : NULL;
    r->chart = (va || te) ? alloc_array(o->epochs, sizeof(double)) : NULL;
    r->tchart = r->chart && tr->y && N->task == TASK_CLASSIFY ? alloc_array(o->epochs, sizeof(double)) : NULL;
    if (!r->order || !r->good || (va && !r->best) || !r->pred || !r->out || !r->ppred || !r->pout ||
        (log && (!r->tpred || !r->tout)) || ((va || te) && !r->chart) || (r->chart && tr->y && N->task == TASK_CLASSIFY && !r->tchart)) {
        run_free(r);
        return fail(err, NULL, "out of memory");
    }
    if (trainer_init(&r->T, N, o->batch, pl->nt, &pl->bar, o->optimizer, o->dropout, err) ||
        infer_init(&r->I, N, &M->in, pl->nt, err)) {
        run_free(r);
        return -1;
    }
    return 0;
}

/* v, or instead when it is not finite (a checkpoint holds finite numbers:
 * "no score yet" is stored as the largest double). */
static double finite_or(double v, double instead) { return isfinite(v) ? v : instead; }

/* Write the training state to ctl->ckpt: epochs_done whole epochs, and
 * batch_next mini-batches of the next one. */
static int save_ckpt(const TrainCtl *ctl, const Data *tr, const Net *N, const Run *r, const TrainResult *res,
                     size_t epochs_done, size_t batch_next, Err *err)
{
    Ckpt k;
    int rc;
    memset(&k, 0, sizeof k);
    k.argc = ctl->argc, k.argv = ctl->argv, k.rows = (uint32_t)tr->n, k.feats = (uint32_t)tr->d, k.crc = r->dcrc;
    k.epochs_done = (uint32_t)epochs_done, k.batch_next = (uint32_t)batch_next;
    k.step0 = r->T.step0, k.cost_partial = batch_next ? r->T.cost_sum : 0;
    memcpy(k.rng, r->rng.s, sizeof k.rng);
    k.nparam = N->nparam, k.param = N->param, k.s1 = r->T.s1, k.s2 = r->T.s2, k.nstates = (uint32_t)r->states;
    k.has_best = r->best != NULL, k.best = r->best;
    k.best_val = N->task == TASK_REGRESS ? finite_or(r->best_score.metric, -DBL_MAX) : (double)r->best_score.correct;
    k.best_cost = finite_or(r->best_score.cost, DBL_MAX), k.best_acc = finite_or(res->best_acc, -DBL_MAX);
    k.since = (uint32_t)r->since, k.saved_epoch = (uint32_t)res->saved_epoch, k.val_acc = finite_or(res->val_acc, -DBL_MAX);
    k.best_epoch_test = (uint32_t)res->best_test_epoch, k.final_acc = finite_or(res->final_acc, -DBL_MAX);
    if (!(k.order = alloc_array(tr->n, 4))) return fail(err, ctl->ckpt, "out of memory");
    for (size_t i = 0; i < tr->n; i++) k.order[i] = (uint32_t)r->order[i];
    rc = ckpt_save(ctl->ckpt, &k, err);
    free(k.order);
    return rc;
}

/* Restore a run from checkpoint R: parameters, optimiser state, order,
 * generator, best-so-far and results, after checking that R was made on
 * the same training data and network.  Returns 0 or -1 (res->setup set). */
static int run_resume(Run *r, Net *N, Meta *M, const Data *tr, const Data *va, const Ckpt *R, const TrainCtl *ctl,
                      TrainResult *res, Err *err)
{
    if (R->rows != tr->n || R->feats != tr->d || R->crc != r->dcrc || R->nparam != N->nparam ||
        (int)R->nstates != r->states || (R->has_best != 0) != (va != NULL)) {
        res->setup = 1;
        if (R->rows != tr->n || R->feats != tr->d || R->crc != r->dcrc) {
            if (R->rows == tr->n && R->feats == tr->d)
                return fail(err, ctl->ckpt, "the values in %s have changed since the checkpoint was made; resuming "
                            "needs the same training data", tr->name);
            return fail(err, ctl->ckpt, "the checkpoint was made on %u rows of %u features, but %s now has %zu rows "
                        "of %zu; resuming needs the same training data", (unsigned)R->rows, (unsigned)R->feats,
                        tr->name, tr->n, tr->d);
        }
        return fail(err, ctl->ckpt, "the checkpoint does not match this network or its settings");
    }
    memcpy(N->param, R->param, N->nparam * sizeof(float));
    if (r->states >= 1) memcpy(r->T.s1, R->s1, N->nparam * sizeof(float));
    if (r->states >= 2) memcpy(r->T.s2, R->s2, N->nparam * sizeof(float));
    for (size_t i = 0; i < tr->n; i++) r->order[i] = R->order[i];
    memcpy(r->rng.s, R->rng, sizeof r->rng.s);
    if (va) {
        memcpy(r->best, R->best, N->nparam * sizeof(float));
        r->best_score.correct = N->task == TASK_REGRESS ? 0 : (size_t)R->best_val, r->best_score.cost = R->best_cost, r->since = R->since;
        r->best_score.metric = N->task == TASK_REGRESS ? R->best_val : R->best_val / (double)va->n; /* (the checkpoint holds
                                                                                                   * the correct count) */
        res->saved_epoch = R->saved_epoch, res->val_acc = R->val_acc;
    }
    res->best_acc = R->best_acc, res->best_test_epoch = R->best_epoch_test, res->final_acc = R->final_acc;
    r->T.step0 = R->step0, r->T.first = R->batch_next, M->epochs_done = R->epochs_done;
    return 0;
}

/* Train N (initialised) on tr for o->epochs epochs.  After each epoch the
 * validation set va (when given) picks the model to keep and drives early
 * stopping (--patience); the test set te (when given) is only reported.  On
 * divergence (a non-finite cost or weight) the parameters of the last good
 * epoch are restored and -1 is returned.  On a stop request the current
 * mini-batch finishes, a checkpoint is written (with --checkpoint), the
 * model to keep is left in N, and ctl->interrupted is set. */
static int train_run(Net *N, Meta *M, const Data *tr, const Data *va, const Data *te, const TrainOpt *o, Pool *pl,
                     TrainResult *res, TrainCtl *ctl, Err *err)
{
    Run r;
    Ckpt *R = ctl ? ctl->resume : NULL;
    size_t nbatches = (tr->n + o->batch - 1) / o->batch, ep0 = 1;
    double t0 = now_seconds();
    int rc = 0, probe_ok, why;
    memset(res, 0, sizeof *res);
    if (N->task == TASK_REGRESS) res->best_acc = -HUGE_VAL; /* (R^2 can be below 0) */
    if (run_init(&r, N, M, tr, va, te, o, pl, ctl, err)) return -1;
    rng_seed(&r.rng, o->seed ^ STREAM_SHUFFLE);
    for (size_t i = 0; i < tr->n; i++) r.order[i] = i;
    r.T.data = tr, r.T.order = r.order, r.T.count = tr->n, r.T.in = &M->in;
    r.T.momentum = o->momentum, r.T.beta1 = o->beta1, r.T.beta2 = o->beta2, r.T.epsilon = o->epsilon;
    r.T.lambda_n = o->lambda / (float)tr->n, r.T.key = o->seed ^ STREAM_DROPOUT;
    r.T.augment = o->augment, memcpy(r.T.img, o->img, sizeof r.T.img);
    r.T.stop_flag = ctl ? ctl->stop : NULL;
    r.T.progress = ctl && !o->quiet ? ctl->progress : 0, r.T.epochs = o->epochs;
    if (ctl && ctl->log && !R) { /* a resumed run appends to its log */
        const char *m = TASK(N)->metric;
        fprintf(ctl->log, "epoch,train_cost,train_%s,validation_%s,test_%s,eta,seconds\n", m, m, m);
    }
    if (R && run_resume(&r, N, M, tr, va, R, ctl, res, err)) {
        run_free(&r);
        return -1;
    }
    if (R) ep0 = R->epochs_done + 1;
    if (R && va && o->patience && r.since >= o->patience && !R->batch_next) { /* it had stopped early: so it stays */
        if (!o->quiet)
            fprintf(stderr, "the run had stopped early (no better validation %s for %zu epoch%s); nothing to train\n", o->by_loss ? "loss" : TASK(N)->kept,
                    o->patience, plural(o->patience));
        ep0 = o->epochs + 1;
    }
    memcpy(r.good, N->param, N->nparam * sizeof(float));
    r.good_epoch = ep0 - 1;
    probe_ok = probe_usable(&r.probe);
    r.small = -1;
    if (va && tr->y && N->task == TASK_CLASSIFY) { /* the smallest class, when the largest has twice its rows or more */
        size_t C = net_classes(N), *cnt = calloc(C, sizeof *cnt), lo = SIZE_MAX, hi = 0;
        for (size_t i = 0; cnt && i < tr->n; i++) cnt[tr->y[i]]++;
        for (size_t c = 0; cnt && c < C; c++)
            if (cnt[c]) {
                if (cnt[c] < lo) lo = cnt[c], r.small = (int32_t)c;
                hi = cnt[c] > hi ? cnt[c] : hi;
            }
        if (!cnt || hi < 2 * lo) r.small = -1;
        free(cnt);
    }
    for (size_t ep = ep0; ep <= o->epochs; ep++) {
        double cost;
        Score vs = {0, 0, 0, 0}, ts = {0, 0, 0, 0};
        char line[256], fig[64];
        int n = 0, resumed_mid = R && ep == ep0 && r.T.first > 0;
        int stop_now = r.T.stop_flag && *r.T.stop_flag; /* asked to stop between epochs: before the shuffle */
        if (!resumed_mid && !stop_now) shuffle(&r.rng, r.order, tr->n); /* a mid-epoch checkpoint holds the order */
        r.T.cost_sum = resumed_mid ? R->cost_partial : 0, r.T.eta = schedule_eta(o, ep - 1);
        trainer_sync(&r.T);
        r.T.epoch = ep, r.T.t_epoch = r.T.t_drawn = now_seconds();
        atomic_store(&r.T.stop_at, SIZE_MAX);
        if (stop_now) r.T.done_batches = r.T.first;
        else train_epoch(pl, &r.T);
        if (r.T.diverged) {
            memcpy(N->param, r.good, N->nparam * sizeof(float)), M->epochs_done = (uint32_t)r.good_epoch;
            rc = fail(err, NULL, "training diverged in epoch %zu, mini-batch %zu (the cost is not a finite number); "
                      "try a smaller --eta than %g", ep, r.T.done_batches, (double)r.T.eta);
            break;
        }
        if (r.T.done_batches < nbatches) { /* stopped by a signal */
            ctl->interrupted = 1;
            if (ctl->ckpt) {
                rc = save_ckpt(ctl, tr, N, &r, res, ep - 1, r.T.done_batches, err);
                if (!rc && !o->quiet)
                    fprintf(stderr, "interrupted in epoch %zu after mini-batch %zu of %zu; checkpoint written to %s\n", ep,
                            r.T.done_batches, nbatches, ctl->ckpt);
            } else if (!o->quiet) {
                fprintf(stderr, "interrupted in epoch %zu after mini-batch %zu of %zu\n", ep, r.T.done_batches, nbatches);
            }
            break;
        }
        r.T.first = 0;
        r.T.step0 += nbatches;
        cost = r.T.cost_sum / (double)tr->n;
        if (!isfinite(cost) || !all_finite(N->param, N->nparam)) {
            memcpy(N->param, r.good, N->nparam * sizeof(float)), M->epochs_done = (uint32_t)r.good_epoch;
            rc = fail(err, NULL, "training diverged in epoch %zu (the cost is not a finite number); "
                      "try a smaller --eta than %g", ep, (double)r.T.eta);
            break;
        }
        why = probe_ok ? collapsed(pl, &r.I, N, &r.probe, r.pout, r.ppred) : 0;
        if (r.tchart) { /* the training accuracy for the chart: on the probe's rows, as the model is after the epoch */
            size_t right = 0;
            for (size_t i = 0; probe_ok && i < r.probe.n; i++) right += r.ppred[i] == r.probe.y[i];
            r.tchart[ep - 1] = probe_ok ? (double)right / (double)r.probe.n : NAN;
        }
        if (why == 1) { /* no way back: the gradients are zero */
            memcpy(N->param, r.good, N->nparam * sizeof(float));
            M->epochs_done = (uint32_t)r.good_epoch;
            rc = fail(err, NULL, "training diverged in epoch %zu (cost %.6g): every row now gets the same output, so the "
                      "network has saturated or its units have died; try a smaller --eta than %g", ep, cost, (double)r.T.eta);
            break;
        }
        /* saturated at chance: a plateau that training may still leave (it
         * does at the textbook's digits with --eta 12, after ten epochs);
         * an error only if the run ends on it.  r.good keeps the epoch
         * before it began. */
        if (why == 2 && !r.sat_from) r.sat_from = ep;
        if (why != 2) r.sat_from = 0, r.good_epoch = ep, memcpy(r.good, N->param, N->nparam * sizeof(float));
        M->epochs_done = (uint32_t)ep;
        n += snprintf(line + n, sizeof line - (size_t)n, "epoch %zu/%zu: cost %.6f", ep, o->epochs, cost);
        if (o->schedule != SCHED_CONSTANT) n += snprintf(line + n, sizeof line - (size_t)n, ", eta %.4g", (double)r.T.eta);
        if (va) {
            evaluate(pl, &r.I, N, va, r.out, r.pred, &vs);
            TASK(N)->show(&vs, va->n, 0, fig, sizeof fig);
            n += snprintf(line + n, sizeof line - (size_t)n, ", validation %s%s cost %.4f", fig, TASK(N)->percent ? "" : ",", vs.cost);
            if (r.small >= 0) { /* imbalanced classes: how the smallest fares */
                size_t hit = 0, all = 0;
                for (size_t i = 0; i < va->n; i++)
                    if (va->y[i] == r.small) all++, hit += r.pred[i] == r.small;
                char cb[24];
                if (all)
                    n += snprintf(line + n, sizeof line - (size_t)n, ", validation recall of %.40s (the smallest class) %.2f%%",
                                  M->names && (size_t)r.small < M->nnames ? M->names[r.small] : (snprintf(cb, sizeof cb, "%d", (int)r.small), cb),
                                  100.0 * (double)hit / (double)all);
            }
            if (o->by_loss ? vs.cost < r.best_score.cost : TASK(N)->better(&vs, &r.best_score)) {
                r.best_score = vs, r.since = 0;
                res->saved_epoch = ep, res->val_acc = vs.metric;
                memcpy(r.best, N->param, N->nparam * sizeof(float));
            } else {
                r.since++;
            }
        }
        if (te) {
            evaluate(pl, &r.I, N, te, r.out, r.pred, &ts);
            res->final_acc = ts.metric;
            if (res->final_acc > res->best_acc) res->best_acc = res->final_acc, res->best_test_epoch = ep;
            TASK(N)->show(&ts, te->n, 1, fig, sizeof fig);
            n += snprintf(line + n, sizeof line - (size_t)n, ", test %s", fig);
        }
        if (!o->quiet) fprintf(stderr, "%s%s, %.2f s\n", r.T.progress == 1 ? "\r\033[K" : "", line, now_seconds() - t0);
        if (ep == 1 && probe_ok && !o->quiet && o->init == INIT_NORMAL) { /* the textbook's N(0, 1): saturated sigmoids? */
            int at;
            double sat = sigmoid_saturation(N, &M->in, &r.probe, &at);
            if (sat >= NN_SATURATED)
                say("note: after epoch 1, %.0f%% of layer %d's sigmoid outputs on the first %zu training rows are within 0.02 "
                    "of 0 or 1, where their gradient is nearly 0 and they learn slowly; --init scaled (weights N(0, 1/n_in), "
                    "the textbook's chapter 3) keeps them in range", 100 * sat, at, r.probe.n);
        }
        if (r.chart) r.chart[ep - 1] = va ? vs.metric : te ? res->final_acc : 0, r.nchart = ep;
        if (ctl && ctl->log) {
            Score trs;
            evaluate(pl, &r.I, N, tr, r.tout, r.tpred, &trs);
            fprintf(ctl->log, "%zu,%.6f,%.6f,", ep, cost, trs.metric);
            if (va) fprintf(ctl->log, "%.6f", vs.metric);
            fputc(',', ctl->log);
            if (te) fprintf(ctl->log, "%.6f", res->final_acc);
            fprintf(ctl->log, ",%.6g,%.3f\n", (double)r.T.eta, now_seconds() - t0);
            if (fflush(ctl->log) != 0 || ferror(ctl->log)) {
                rc = fail(err, NULL, "error writing the log (--log) after epoch %zu: %s", ep, strerror(errno));
                break;
            }
        }
        if (ctl && ctl->watch) {
            EpochFig f = {ep, o->epochs, cost, NAN, va ? vs.metric : NAN, va ? vs.cost : NAN, te ? ts.metric : NAN,
                          te ? ts.cost : NAN, r.T.eta, now_seconds() - t0, &r.probe, te ? te : va, r.out, r.pred, 0};
            Score ps;
            if (probe_ok) TASK(N)->score(N, &r.probe, r.pout, r.ppred, &ps), f.train = ps.metric;
            if ((rc = ctl->watch(ctl->watch_ctx, N, M, &f, err))) break;
        }
        if (ctl && ctl->ckpt && (ep % ctl->every == 0 || ep == o->epochs) &&
            (rc = save_ckpt(ctl, tr, N, &r, res, ep, 0, err)))
            break;
        if (va && o->patience && r.since >= o->patience) {
            if (!o->quiet)
                fprintf(stderr, "stopping early: no better validation %s for %zu epoch%s\n", o->by_loss ? "loss" : TASK(N)->kept, o->patience,
                        plural(o->patience));
            break;
        }
    }
    if (r.sat_from && !rc && !(ctl && ctl->interrupted)) {
        memcpy(N->param, r.good, N->nparam * sizeof(float));
        M->epochs_done = (uint32_t)r.good_epoch;
        rc = fail(err, NULL, "training diverged: from epoch %zu to the end every output is saturated and the answers are "
                  "no better than guessing; try a smaller --eta than %g", r.sat_from, (double)schedule_eta(o, r.sat_from - 1));
    }
    if (va && res->saved_epoch && !rc) { /* keep the best epoch on validation */
        memcpy(N->param, r.best, N->nparam * sizeof(float));
        if (te && !(ctl && ctl->interrupted)) {
            Score ts;
            evaluate(pl, &r.I, N, te, r.out, r.pred, &ts);
            res->final_acc = ts.metric;
        }
    } else if (!va) {
        res->saved_epoch = M->epochs_done;
    }
    M->kept_epoch = (uint32_t)res->saved_epoch;
    res->seconds = now_seconds() - t0;
    if (ctl && ctl->watch && M->epochs_done) { /* the model kept, evaluated once more */
        EpochFig f = {M->epochs_done, o->epochs, NAN, NAN, NAN, NAN, NAN, NAN, r.T.eta, res->seconds, &r.probe, te ? te : va,
                      r.out, r.pred, 1};
        Score s2;
        Err e2;
        Data seen; /* no held-out rows: the fit or the confusion on the training rows, said as such */
        if (te || va) {
            evaluate(pl, &r.I, N, te ? te : va, r.out, r.pred, &s2);
        } else {
            seen = r.probe;
            if (r.probe.n < tr->n) snprintf(seen.name, sizeof seen.name, "the first %zu training rows (no validation or test set)", r.probe.n);
            else snprintf(seen.name, sizeof seen.name, "all %zu training rows (no validation or test set)", r.probe.n);
            evaluate(pl, &r.I, N, &seen, r.pout, r.ppred, &s2);
            f.eval = &seen, f.out = r.pout, f.pred = r.ppred;
        }
        if (ctl->watch(ctl->watch_ctx, N, M, &f, rc ? &e2 : err) && !rc) rc = -1;
    }
    if (!o->quiet && r.chart && r.nchart > ep0) { /* a resumed run charts its own epochs */
        char title[64], title2[96];
        snprintf(title, sizeof title, "%s %s", va ? "validation" : "test", TASK(N)->label);
        snprintf(title2, sizeof title2, "training %s (%s%zu rows)", TASK(N)->label, r.probe.n < tr->n ? "first " : "", r.probe.n);
        sparkline(title, r.chart + ep0 - 1, title2, r.tchart && probe_ok ? r.tchart + ep0 - 1 : NULL, r.nchart - (ep0 - 1),
                  TASK(N)->percent, o->chart_fixed);
    }
    pl->solo = 0;
    run_free(&r);
    return rc;
}

/* ======================================================================== */
/* @@output prediction output                                              */
/* ======================================================================== */

/* Streaming prediction.  Reads CSV text from a descriptor as it arrives:
 * every complete line in the buffer is parsed and predicted at once, the
 * lines split between threads, and the answers printed in input order.  A
 * pipe or terminal is flushed after each read, so `producer | nn predict
 * MODEL - | consumer` answers row by row; a regular file is read in large
 * pieces and written at full speed. */
typedef struct {
    const Net *net;
    const InputMap *in;       /* the model's: rows are scaled as parsed, then standardised */
    CsvShape sh;
    const char **beg, **end;  /* (n) line spans */
    size_t *lineno;           /* (n) 1-based line numbers */
    size_t n;
    float **scratch;          /* the Infer scratch: thread tid's NN_SCRATCH at [NN_SCRATCH * tid] */
    float *out;               /* (n, size[L]) */
    int32_t *pred;            /* (n) */
    size_t badrow[NN_MAX_THREADS];
    CsvBad bad[NN_MAX_THREADS];
    const RowPlan *plan;      /* a model's table: rows are read through it (NULL: csv_row) */
    const float *xs;          /* or (n, size[0]) the rows read already, each value as csv_row reads its text */
    RowNote note[NN_MAX_THREADS];
} PredJob;

static void pred_job(void *arg, int tid, int nt)
{
    PredJob *J = arg;
    const Net *N = J->net;
    size_t r0 = J->n * (size_t)tid / (size_t)nt, r1 = J->n * (size_t)(tid + 1) / (size_t)nt;
    size_t K = N->size[N->nl - 1], ld0 = N->ld[0];
    float *const *s = J->scratch + NN_SCRATCH * tid, *s0 = s[0];
    J->badrow[tid] = SIZE_MAX;
    for (size_t r = r0; r < r1; r += NN_CHUNK) {
        size_t m = r1 - r < NN_CHUNK ? r1 - r : NN_CHUNK;
        for (size_t b = 0; b < m; b++) {
            float *x = s0 + b * ld0;
            const char *lab[2];
            int lq;
            memset(x + N->size[0], 0, (ld0 - N->size[0]) * sizeof(float));
            if (J->xs) { /* (scaled as csv_row scales) */
                const float *v = J->xs + (r + b) * N->size[0], inv = 1.0f / J->in->div;
                for (size_t i = 0; i < N->size[0]; i++) x[i] = v[i] * inv;
                continue;
            }
            if (J->plan ? table_row(J->beg[r + b], J->end[r + b], J->sh.sep, J->plan, x, NULL, lab, &lq, &J->note[tid], &J->bad[tid]) != 0
                        : csv_row(J->beg[r + b], J->end[r + b], J->sh.sep, J->sh.ncol, J->sh.lc, J->sh.skip, 1.0f / J->in->div, x, lab, &lq, &J->bad[tid])) {
                J->badrow[tid] = r + b;
                m = b; /* the rows before it are answered, and printed */
                break;
            }
        }
        if (m) {
            if (J->plan && J->in->div != 1.0f) { /* x * (1 / div), as training's gather and map_rows scale */
                float inv = 1.0f / J->in->div;
                for (size_t b = 0; b < m; b++)
                    for (size_t i = 0; i < N->size[0]; i++) s0[b * ld0 + i] *= inv;
            }
            standardize(s0, m, ld0, N->size[0], J->in->mean, J->in->rsd);
            forward_chunk(N, m, s, J->out + r * K, J->pred + r);
            for (size_t b = 0; b < m; b++) /* a value too large for the scaling: an error, never "nan" */
                if (!all_finite(J->out + (r + b) * K, K)) {
                    J->bad[tid].kind = BAD_OVERFLOW, J->bad[tid].cname = NULL;
                    if (J->badrow[tid] == SIZE_MAX || r + b < J->badrow[tid]) J->badrow[tid] = r + b;
                    return;
                }
        }
        if (J->badrow[tid] != SIZE_MAX) return;
    }
}

/* How predict prints its answers. */
enum { FMT_CSV = 1, FMT_TSV, FMT_JSON, FMT_NPY };
typedef struct {
    Buf *npy;   /* FMT_NPY: the array's elements, gathered until the end (the header needs the row count) */
    size_t rows, width; /* FMT_NPY: rows gathered; characters of a name (a '<U' array), or 0 */
    int probs;  /* the output activations */
    size_t top; /* the top K labels with their activations (0: off) */
    int fmt;    /* FMT_* */
    char *const *names; /* class names to print instead of numbers (NULL: numbers) */
    size_t nnames;
    const TargetMap *tm; /* regression: print the values, mapped back into the data's units */
    double threshold;    /* --threshold of a two-class model, or -1 */
    const Table *tab;    /* a table model's columns: the label's or targets' names for the header */
    int header;          /* a header line naming the columns: -1 when the input has one, 0 never (--no-header) */
    const char *keep;    /* --keep COL[,COL...]: input columns carried into the output, or NULL */
    size_t nkeep, *keepcol; /* (set when the input is shaped) their columns, from 0, */
    char **keepname;        /* and names (the header's, or "column N") */
    int insep;              /* the input's field separator */
    int header_due;         /* the header line is printed before the first answer */
    const char *mpath;      /* the model's path, for the scale check of the first rows; NULL once done */
    int on_error;           /* a bad CSV row: ON_STOP, or ON_SKIP (said, no answer) or ON_MARK (said, a marker answer) */
    size_t nbad;            /* bad rows skipped or marked */
    FILE *f;                /* where the answers go: stdout, or serve's answer to a request */
    RowNote *note;          /* (serve) what encoding the rows found, given back instead of said */
} OutOpt;
enum { ON_STOP = 0, ON_SKIP, ON_MARK };
#define NN_SAY_BAD 10 /* bad rows said one by one under --on-error; the rest counted */

/* Length of the valid UTF-8 sequence at p (up to e), or 0. */
static size_t utf8_len(const unsigned char *p, const unsigned char *e)
{
    size_t n = *p < 0x80 ? 1 : (*p & 0xE0) == 0xC0 ? 2 : (*p & 0xF0) == 0xE0 ? 3 : (*p & 0xF8) == 0xF0 ? 4 : 0;
    uint32_t c;
    if (!n || (size_t)(e - p) < n) return 0;
    for (size_t i = 1; i < n; i++)
        if ((p[i] & 0xC0) != 0x80) return 0;
    c = n == 1 ? p[0] : n == 2 ? (p[0] & 0x1Fu) << 6 | (p[1] & 0x3Fu)
      : n == 3 ? (p[0] & 0x0Fu) << 12 | (p[1] & 0x3Fu) << 6 | (p[2] & 0x3Fu)
      : (p[0] & 0x07u) << 18 | (p[1] & 0x3Fu) << 12 | (p[2] & 0x3Fu) << 6 | (p[3] & 0x3Fu);
    if ((n == 2 && c < 0x80) || (n == 3 && c < 0x800) || (n == 4 && (c < 0x10000 || c > 0x10FFFF)) ||
        (c >= 0xD800 && c <= 0xDFFF))
        return 0; /* overlong, out of range, or a surrogate */
    return n;
}

/* The terminal columns of the character at p (l bytes of valid UTF-8, or
 * l 0: a stray byte, one column): two for the wide ones of East Asian
 * scripts (CJK, Hangul, kana, full-width forms), else one. */
static size_t char_cols(const unsigned char *p, size_t l)
{
    uint32_t c = l == 3 ? (p[0] & 0x0Fu) << 12 | (p[1] & 0x3Fu) << 6 | (p[2] & 0x3Fu)
               : l == 4 ? (p[0] & 0x07u) << 18 | (p[1] & 0x3Fu) << 12 | (p[2] & 0x3Fu) << 6 | (p[3] & 0x3Fu) : 0;
    return 1 + ((c >= 0x1100 && c <= 0x115F) || (c >= 0x2E80 && c <= 0xA4CF && c != 0x303F) || (c >= 0xAC00 && c <= 0xD7A3) ||
                (c >= 0xF900 && c <= 0xFAFF) || (c >= 0xFE30 && c <= 0xFE4F) || (c >= 0xFF00 && c <= 0xFF60) ||
                (c >= 0xFFE0 && c <= 0xFFE6) || (c >= 0x1F300 && c <= 0x1F64F) || (c >= 0x20000 && c <= 0x3FFFD));
}

/* The terminal columns of UTF-8 text s. */
static size_t text_chars(const char *s)
{
    const unsigned char *p = (const unsigned char *)s, *e = p + strlen(s);
    size_t n = 0;
    for (size_t l; p < e; p += l ? l : 1) l = utf8_len(p, e), n += char_cols(p, l);
    return n;
}

/* s as a cell of a table on the terminal, into buf (cap bytes): at most
 * maxch columns (never a character cut in two), padded with spaces to
 * width columns, before it when right (right-aligned), else after. */
#define NN_CELL 512 /* a cell's buffer: 60 characters of 4 bytes and their padding */
static const char *cell(char *buf, size_t cap, const char *s, size_t width, size_t maxch, int right)
{
    const unsigned char *p = (const unsigned char *)s, *e = p + strlen(s);
    size_t nb = 0, nc = 0, pad, k = 0;
    while (p + nb < e) {
        size_t l = utf8_len(p + nb, e), w = char_cols(p + nb, l);
        if (nc + w > maxch || nb + (l ? l : 1) + 1 > cap) break;
        nb += l ? l : 1, nc += w;
    }
    pad = width > nc ? width - nc : 0;
    if (nb + pad + 1 > cap) pad = cap - nb - 1;
    if (right) memset(buf, ' ', pad), k = pad;
    memcpy(buf + k, s, nb), k += nb;
    if (!right) memset(buf + k, ' ', pad), k += pad;
    buf[k] = 0;
    return buf;
}

/* Write a class name as a field of format fmt: CSV quotes it (RFC 4180)
 * when it holds the separator, a quote, a line end or edge spaces; TSV,
 * which cannot quote, escapes tab, line ends and backslash as \t \n \r \\;
 * JSON makes it a string, and a byte that is not UTF-8 is read as Latin-1
 * (so "caf\xe9" becomes "café"). */
static void print_name(FILE *f, const char *s, int fmt)
{
    const unsigned char *p = (const unsigned char *)s, *e = p + strlen(s);
    if (fmt == FMT_JSON) {
        fputc('"', f);
        for (; p < e; p++) {
            size_t n = utf8_len(p, e);
            if (*p == '"' || *p == '\\') fprintf(f, "\\%c", *p);
            else if (*p < 0x20 || *p == 0x7f) fprintf(f, "\\u%04x", *p);
            else if (n) fwrite(p, 1, n, f), p += n - 1;
            else fprintf(f, "\\u%04x", *p); /* Latin-1 */
        }
        fputc('"', f);
    } else if (fmt == FMT_TSV) {
        for (; p < e; p++)
            if (*p == '\t') fputs("\\t", f);
            else if (*p == '\n') fputs("\\n", f);
            else if (*p == '\r') fputs("\\r", f);
            else if (*p == '\\') fputs("\\\\", f);
            else fputc(*p, f);
    } else if (strpbrk(s, ",\"\r\n") || (*s && (*s == ' ' || e[-1] == ' '))) {
        fputc('"', f);
        for (; p < e; p++) {
            if (*p == '"') fputc('"', f);
            fputc(*p, f);
        }
        fputc('"', f);
    } else {
        fputs(s, f);
    }
}

/* Print class k: its name, or its number (in JSON a string when the
 * other classes have names: a model may have more outputs than names). */
static void print_class(const OutOpt *o, size_t k)
{
    char num[24];
    if (!o->names) {
        fprintf(o->f, "%zu", k);
        return;
    }
    snprintf(num, sizeof num, "%zu", k);
    print_name(o->f, k < o->nnames ? o->names[k] : num, o->fmt);
}

/* The t best of a[0..K) into ix[0..t), best first (ties: the lower index):
 * a heap of the t best so far, O(K log t). */
static void top_k(const float *a, size_t K, size_t t, size_t *ix)
{
#define BETTER(i, j) (a[i] > a[j] || (a[i] == a[j] && (i) < (j)))
    size_t h = 0;
    for (size_t k = 0; k < K; k++) {
        size_t c;
        if (h < t) { /* push: the root is the worst of the heap */
            for (c = h++; c > 0 && BETTER(ix[(c - 1) / 2], k); c = (c - 1) / 2) ix[c] = ix[(c - 1) / 2];
            ix[c] = k;
            continue;
        }
        if (!BETTER(k, ix[0])) continue;
        ix[0] = k; /* replace the worst, sift it down */
        for (c = 0;;) {
            size_t l = 2 * c + 1, w = c;
            if (l < h && BETTER(ix[w], ix[l])) w = l;
            if (l + 1 < h && BETTER(ix[w], ix[l + 1])) w = l + 1;
            if (w == c) break;
            size_t tmp = ix[c];
            ix[c] = ix[w], ix[w] = tmp, c = w;
        }
    }
    while (h > 1) { /* pop the worst to the end: best first */
        size_t tmp = ix[0], c = 0;
        ix[0] = ix[--h], ix[h] = tmp;
        for (;;) {
            size_t l = 2 * c + 1, w = c;
            if (l < h && BETTER(ix[w], ix[l])) w = l;
            if (l + 1 < h && BETTER(ix[w], ix[l + 1])) w = l + 1;
            if (w == c) break;
            tmp = ix[c], ix[c] = ix[w], ix[w] = tmp, c = w;
        }
    }
#undef BETTER
}

/* The code points of s (UTF-8, a byte that is not read as Latin-1, as
 * JSON's) as `width` UTF-32 little-endian characters, zero-padded: an
 * element of a NumPy '<U' array.  Returns the number of characters. */
static size_t npy_name(Buf *b, const char *s, size_t width)
{
    size_t k = 0;
    for (const unsigned char *p = (const unsigned char *)s, *e = p + strlen(s); p < e; k++) {
        size_t l = utf8_len(p, e);
        uint32_t c = l == 0 ? *p : l == 1 ? p[0] : l == 2 ? (p[0] & 0x1Fu) << 6 | (p[1] & 0x3Fu)
                   : l == 3 ? (p[0] & 0x0Fu) << 12 | (p[1] & 0x3Fu) << 6 | (p[2] & 0x3Fu)
                   : (p[0] & 0x07u) << 18 | (p[1] & 0x3Fu) << 12 | (p[2] & 0x3Fu) << 6 | (p[3] & 0x3Fu);
        if (b && k < width) buf_u32(b, c);
        p += l ? l : 1;
    }
    for (size_t i = k; b && i < width; i++) buf_u32(b, 0);
    return k;
}

/* An .npy file (format 1.0, see @@npy) of the elements in body: rows x
 * cols (cols 0: a vector) of dtype descr.  The header is padded so the
 * data starts at a multiple of 64 bytes, as NumPy's own. */
static void npy_write(Buf *f, const char *descr, size_t rows, size_t cols, const Buf *body)
{
    char head[256], shape[64];
    size_t hl;
    if (cols) snprintf(shape, sizeof shape, "(%zu, %zu)", rows, cols);
    else snprintf(shape, sizeof shape, "(%zu,)", rows);
    hl = (size_t)snprintf(head, sizeof head, "{'descr': '%s', 'fortran_order': False, 'shape': %s, }", descr, shape);
    while ((10 + hl + 1) % 64) head[hl++] = ' ';
    head[hl++] = '\n';
    buf_put(f, "\x93NUMPY\x01\x00", 8);
    buf_put(f, (uint8_t[2]){(uint8_t)(hl & 0xff), (uint8_t)(hl >> 8)}, 2);
    buf_put(f, head, hl);
    buf_put(f, body->p, body->n);
}

/* Print the answers for n rows: the label, or the output activations, or
 * the top K (label, probability) pairs; CSV, TSV or JSON lines.  A single
 * output neuron is P(label 1): its classes are 0 and 1, with 1 - a and a. */
/* Field [b, e) of an input line (quotes removed, "" still doubled) as a
 * name in the output's format. */
static void print_field(FILE *f, const char *b, const char *e, int quoted, int fmt)
{
    char small[256], *t = (size_t)(e - b) < sizeof small ? small : malloc((size_t)(e - b) + 1);
    size_t n = 0;
    if (!t) return;
    for (const char *p = b; p < e; p++) {
        t[n++] = *p;
        if (quoted && *p == '"' && p + 1 < e && p[1] == '"') p++;
    }
    t[n] = 0;
    print_name(f, t, fmt);
    if (t != small) free(t);
}

/* The start of an answer: JSON's '{', and the kept columns of the row
 * [beg, end) (with what separates them from the answer). */
/* The first field of each JSON answer: what the fields are, and which
 * version of them, for tools that read the lines. */
#define NN_JSON_SCHEMA "nn-predict/1"

static void answer_start(const OutOpt *o, const char *beg, const char *end)
{
    int json = o->fmt == FMT_JSON;
    if (json) fputs("{\"schema\":\"" NN_JSON_SCHEMA "\",", o->f);
    for (size_t i = 0; i < o->nkeep; i++) {
        const char *fb = beg, *fe = beg;
        int q = 0;
        if (json) print_name(o->f, o->keepname[i], FMT_JSON), fputc(':', o->f);
        if (csv_field(beg, end, o->insep, o->keepcol[i] + 1, &fb, &fe, &q)) print_field(o->f, fb, fe, q, o->fmt);
        else if (json) fputs("null", o->f);
        fputc(json ? ',' : o->fmt == FMT_TSV ? '\t' : ',', o->f);
    }
}

/* The name of a table model's column of kind (COL_LABEL, COL_TARGET),
 * the k-th of them (from 0), or NULL. */
static const char *tab_name(const Table *t, int kind, size_t k)
{
    for (uint32_t c = 0; t && c < t->ncol; c++)
        if (t->col[c].kind == kind && !k--) return t->col[c].name && *t->col[c].name ? t->col[c].name : NULL;
    return NULL;
}

/* A CSV/TSV header's name t of an answer column: "predicted_" t when a
 * kept column has the name t (--keep of the label column beside the
 * prediction). */
static void print_answer_name(const OutOpt *o, const char *t)
{
    for (size_t i = 0; i < o->nkeep; i++)
        if (!strcmp(o->keepname[i], t)) {
            char *p = malloc(strlen(t) + 11);
            if (p) sprintf(p, "predicted_%s", t);
            print_name(o->f, p ? p : t, o->fmt);
            free(p);
            return;
        }
    print_name(o->f, t, o->fmt);
}

/* The header line of predict's CSV or TSV output: the kept columns, then
 * the label's name (a table's label column, else "label"), the class names
 * of --probs, label1,p1,label2,p2... of --top, or the targets' names. */
static void print_answer_header(const Net *N, const OutOpt *o)
{
    size_t K = N->size[N->nl - 1], C = K == 1 ? 2 : K, top = o->top > C ? C : o->top;
    char sep = o->fmt == FMT_TSV ? '\t' : ',', b[40];
    for (size_t i = 0; i < o->nkeep; i++) print_name(o->f, o->keepname[i], o->fmt), fputc(sep, o->f);
    if (o->tm) {
        for (size_t k = 0; k < K; k++) {
            const char *t = tab_name(o->tab, COL_TARGET, k);
            if (!t) snprintf(b, sizeof b, K == 1 ? "value" : "value%zu", k + 1), t = b;
            print_answer_name(o, t), fputc(k + 1 < K ? sep : '\n', o->f);
        }
    } else if (o->probs) {
        for (size_t k = K == 1; k < C; k++) print_class(o, k), fputc(k + 1 < C ? sep : '\n', o->f); /* (one output: P(class 1)) */
    } else if (top) {
        for (size_t t = 0; t < top; t++) fprintf(o->f, "label%zu%cp%zu%c", t + 1, sep, t + 1, t + 1 < top ? sep : '\n');
    } else {
        const char *l = tab_name(o->tab, COL_LABEL, 0);
        print_answer_name(o, l ? l : "label"), fputc('\n', o->f);
    }
}

static void print_answers(const Net *N, const float *out, const int32_t *pred, size_t n, const OutOpt *o,
                          const char *const *beg, const char *const *end)
{
    size_t K = N->size[N->nl - 1], C = K == 1 ? 2 : K, top = o->top > C ? C : o->top;
    size_t two[2], *ix = top > 2 ? malloc(top * sizeof *ix) : two;
    char sep = o->fmt == FMT_TSV ? '\t' : ',';
    int json = o->fmt == FMT_JSON;
    if (!ix) ix = two, top = 2;
    if (o->header_due && n) print_answer_header(N, o), ((OutOpt *)o)->header_due = 0; /* (no rows: no header either) */
    ((OutOpt *)o)->rows += n; /* (the one field print_answers keeps) */
    if (o->npy) { /* one array: the values, the activations, or the labels (names as text) */
        for (size_t r = 0; r < n; r++) {
            const float *a = out + r * K;
            if (o->tm)
                for (size_t k = 0; k < K; k++) buf_f64(o->npy, target_unmap(o->tm, k, a[k]));
            else if (o->probs) buf_floats(o->npy, a, K);
            else if (o->width) npy_name(o->npy, (size_t)pred[r] < o->nnames ? o->names[pred[r]] : "", o->width);
            else buf_u64(o->npy, (uint64_t)pred[r]);
        }
        if (ix != two) free(ix);
        return;
    }
    if (o->tm) { /* regression: the values, in the data's units */
        for (size_t r = 0; r < n; r++) {
            const float *a = out + r * K;
            if (json || o->nkeep) answer_start(o, beg ? beg[r] : NULL, end ? end[r] : NULL);
            if (json) fprintf(o->f, K == 1 ? "\"value\":" : "\"values\":[");
            for (size_t k = 0; k < K; k++) {
                double v = target_unmap(o->tm, k, a[k]);
                fprintf(o->f, "%.9g", v);
                if (k + 1 < K) fputc(json ? ',' : sep, o->f);
            }
            fputs(json ? (K == 1 ? "}\n" : "]}\n") : "\n", o->f);
        }
        if (ix != two) free(ix);
        return;
    }
    for (size_t r = 0; r < n; r++) {
        const float *a = out + r * K;
        float bin[2];
        if (json || o->nkeep) answer_start(o, beg ? beg[r] : NULL, end ? end[r] : NULL);
        if (json) fprintf(o->f, "\"label\":"), print_class(o, (size_t)pred[r]);
        if (o->probs && json) { /* by class: {"setosa":0.97,...}; one output: class 1's */
            fprintf(o->f, ",\"probs\":{");
            for (size_t k = 0; k < K; k++) {
                char num[24];
                snprintf(num, sizeof num, "%zu", k + (K == 1));
                print_name(o->f, o->names && k + (K == 1) < o->nnames ? o->names[k + (K == 1)] : num, FMT_JSON);
                fprintf(o->f, ":%.9g%c", (double)a[k], k + 1 < K ? ',' : '}');
            }
        } else if (o->probs) {
            for (size_t k = 0; k < K; k++) fprintf(o->f, "%.9g%c", (double)a[k], k + 1 < K ? sep : '\n');
        } else if (top) {
            if (K == 1) bin[0] = 1.0f - a[0], bin[1] = a[0], a = bin;
            top_k(a, C, top, ix);
            if (json) fprintf(o->f, ",\"top\":[");
            for (size_t t = 0; t < top; t++) {
                if (json) fprintf(o->f, "{\"label\":"), print_class(o, ix[t]), fprintf(o->f, ",\"p\":%.9g}%s", (double)a[ix[t]], t + 1 < top ? "," : "]");
                else print_class(o, ix[t]), fprintf(o->f, "%c%.9g%c", sep, (double)a[ix[t]], t + 1 < top ? sep : '\n');
            }
        } else if (!json) {
            print_class(o, (size_t)pred[r]);
            fputc('\n', o->f);
        }
        if (json) fprintf(o->f, "}\n");
    }
    if (ix != two) free(ix);
}

/* --on-error mark: the answer of a bad row [beg, end): its kept columns,
 * then NA in every answer column (JSON: "error", the message). */
static void print_marker(const Net *N, const OutOpt *o, const char *beg, const char *end, const char *msg)
{
    size_t K = N->size[N->nl - 1], C = K == 1 ? 2 : K, top = o->top > C ? C : o->top;
    size_t n = o->tm || o->probs ? K : top ? 2 * top : 1;
    char sep = o->fmt == FMT_TSV ? '\t' : ',';
    if (o->header_due) print_answer_header(N, o), ((OutOpt *)o)->header_due = 0;
    answer_start(o, beg, end);
    if (o->fmt == FMT_JSON) {
        fputs("\"error\":", o->f), print_name(o->f, msg, FMT_JSON), fputs("}\n", o->f);
        return;
    }
    for (size_t k = 0; k < n; k++) fprintf(o->f, "NA%c", k + 1 < n ? sep : '\n');
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
/* predict --keep: the columns oo->keep names, in the input shaped as sh
 * (by header name, or number from 1), into oo->keepcol and keepname. */
static int keep_columns(OutOpt *oo, const CsvShape *sh, const char *name, Err *err)
{
    size_t nh = 0, cap = 1;
    char **hdr = sh->head ? shape_header(sh, &nh) : NULL;
    const char *p = oo->keep;
    int rc = 0;
    for (const char *q = p; *q; q++) cap += *q == ',';
    oo->insep = sh->sep;
    if ((sh->head && !hdr) || !(oo->keepcol = calloc(cap, sizeof *oo->keepcol)) || !(oo->keepname = calloc(cap, sizeof *oo->keepname)))
        rc = fail(err, name, "out of memory");
    while (!rc) {
        const char *e, *b = list_item(p, &e);
        size_t len = (size_t)(e - b);
        long c = column_of(b, len, hdr && nh == sh->ncol ? hdr : NULL, sh->ncol, "--keep", name, err);
        e = *e == '"' ? e + 1 : e, e = *e == ',' ? e : NULL;
        char cn[32];
        if (c < 0) {
            rc = -1;
            break;
        }
        const char *kn = hdr && nh == sh->ncol ? hdr[c] : cn;
        snprintf(cn, sizeof cn, "column %ld", c + 1);
        oo->keepcol[oo->nkeep] = (size_t)c;
        if (oo->fmt == FMT_JSON && (!strcmp(kn, "schema") || !strcmp(kn, "label") || !strcmp(kn, "value") || !strcmp(kn, "values") ||
                                    !strcmp(kn, "probs") || !strcmp(kn, "top") || !strcmp(kn, "error"))) { /* the answer's keys keep their names */
            if ((oo->keepname[oo->nkeep] = malloc(strlen(kn) + 7))) sprintf(oo->keepname[oo->nkeep], "input_%s", kn);
        } else {
            oo->keepname[oo->nkeep] = strdup(kn);
        }
        if (!oo->keepname[oo->nkeep++]) rc = fail(err, name, "out of memory");
        if (!e) break;
        p = e + 1;
    }
    for (size_t i = 0; !rc && oo->fmt == FMT_JSON && i < oo->nkeep; i++) /* a key twice: a JSON reader keeps one */
        for (size_t k = i + 1; !rc && k < oo->nkeep; k++)
            if (!strcmp(oo->keepname[i], oo->keepname[k]))
                rc = fail(err, name, "--keep: two kept columns would both be the JSON field '%s'; keep one of them", oo->keepname[i]);
    names_free(hdr, nh);
    return rc;
}

static int predict_stream(Pool *pl, Infer *I, const Net *N, int fd, int regular, const char *name,
                          const CsvOpt *o, uint8_t *buf, size_t have, size_t cap, OutOpt *oo, Err *err)
{
    PredJob J;
    RowPlan *plan = NULL;
    size_t line = 0, lcap = 0, ocap = 0, pcap = 0, ncap = 0, bcap = 0, filled = 0;
    int shaped = 0, eof = 0, rc = 0, crmode = -1; /* CR-only line ends: unknown, no, yes */
    int dsep = -1, dec = -1;                      /* decimal commas: the separator (-1 not known yet), csv_decimal's state */
    char where[NN_WHERE];
    float *sx = NULL; /* (sn, size[0]) the rows the scale check looks at, gathered over the reads */
    size_t sn = 0, scap = 0;
    memset(&J, 0, sizeof J);
    J.net = N, J.in = I->in, J.scratch = &I->scratch[0][0];
    /* Each byte is looked at once here however the reads split the lines:
     * [0, chk) is checked (no NUL, CRs converted) and holds no line end
     * [0, nlscan) has been searched for line ends, the last ending before
     * `known`: so a long line arriving from a pipe costs linear time. */
    size_t chk = 0, nlscan = 0, known = 0, longline = 0;
    for (;;) {
        size_t endpos = have, lastnl = have;
        const char *p = (const char *)buf, *e;
        if (have > chk && memchr(buf + chk, 0, have - chk)) {
            rc = fail(err, name, "binary data (a NUL byte), not CSV text%s", looks_npy(buf, have) || looks_zip(buf, have) ? ""
                      : strlen(name) > 4 && (!strcmp(name + strlen(name) - 4, ".npy") || !strcmp(name + strlen(name) - 4, ".npz"))
                      ? "; not a NumPy file either: it starts neither with \\x93NUMPY nor a zip header (bad magic)" : "");
            break;
        }
        if (crmode < 0) { /* decided by the first line end */
            size_t i = chk;
            while (i < have && buf[i] != '\r' && buf[i] != '\n') i++;
            if (i < have && (buf[i] == '\n' || i + 1 < have || eof)) crmode = cr_lines(buf, have);
            chk = crmode < 0 ? i : have; /* (undecided: the bytes up to the first CR are checked) */
        } else {
            if (crmode)
                for (size_t i = chk; i < have; i++)
                    if (buf[i] == '\r') buf[i] = '\n';
            chk = have;
        }
        while (lastnl > nlscan && buf[lastnl - 1] != '\n') lastnl--;
        if (lastnl == nlscan) lastnl = known;
        known = lastnl, nlscan = chk;
        if (!eof) endpos = lastnl; /* complete lines only, unless the input has ended */
        e = p + endpos;
        if (dsep < 0 && endpos) { /* the first line is here: decimal commas? */
            const char *q = p;
            size_t skipped = 0;
            if (e - q >= 3 && !memcmp(q, "\xEF\xBB\xBF", 3)) q += 3;
            skip_blank(&q, e, &skipped);
            if (q < e) {
                dsep = csv_first_sep(p, e, o), dec = csv_decimal_state(o, dsep);
                if (o->decimal == ',' && dsep == ',') {
                    rc = fail(err, name, "--decimal ,: the fields are separated by commas too (give --sep ; or tab if they are not)");
                    break;
                }
            }
        }
        if (dec && endpos) {
            int was = dec;
            csv_decimal(buf, endpos, dsep, &dec);
            if (dec == 1 && was < 0 && !o->quiet) say_decimal(name);
        }
        if (!shaped && endpos) {
            size_t lines_in = 0; /* data lines (and a header) in [p, e): enough to shape? */
            for (const char *q = p; q < e && lines_in < 2;) { /* (after its first line, a table's '#' starts data) */
                const char *qe = line_end(q, e);
                lines_in += !skip_line_c(q, qe, !lines_in || !o->tab || table_numbers(o->tab));
                q = qe + (qe < e);
            }
            int head = o->header == 1 || (o->label_name && !o->tab) || (o->tab && o->header < 0 && table_header(p, e, o->sep, o->tab) == 1);
            if (!head && o->tab && o->header < 0 && lines_in && !o->quiet) table_count_note(p, e, o->sep, o->tab, name);
            if (head && eof && lines_in == 1) break; /* a header and no rows: nothing to answer */
            if (lines_in >= (head && !eof ? 2u : 1u)) { /* (a header: wait for its first row) */
                CsvOpt o2 = *o;
                if (o->tab) { /* a table's header names its columns */
                    if (o->header < 0) o2.header = head;
                    o2.label_col = LABEL_NONE, o2.hash_data = !table_numbers(o->tab);
                } else if (o->label_name && label_by_name(p, e, o, name, &o2, err)) { /* a plain model's label column, by name */
                    rc = -1;
                    break;
                }
                if (csv_shape(&p, e, &line, &o2, name, &J.sh, err)) {
                    rc = -1;
                    break;
                }
                if (J.sh.note[0] && !o->quiet) say_lines(J.sh.note);
                if (o->tab) {
                    size_t nh = 0;
                    char **hdr = J.sh.head ? shape_header(&J.sh, &nh) : NULL;
                    if (J.sh.head && !hdr) rc = fail(err, name, "out of memory");
                    else if (hdr && nh != J.sh.ncol)
                        rc = fail(err, name, "the header has %zu name%s, but the rows have %zu column%s%s", nh, plural(nh), J.sh.ncol, plural(J.sh.ncol), width_hint(J.sh.sep, nh, J.sh.ncol, 0));
                    else if (!(plan = calloc(1, sizeof *plan))) rc = fail(err, name, "out of memory");
                    else if (table_plan(o->tab, hdr, J.sh.ncol, plan, name, o, err)) rc = -1;
                    names_free(hdr, nh);
                    if (rc) break;
                    if (!J.sh.head && plan->nfile == o->tab->ncol && plan_feature1(plan, o->tab) && index_check(p, e, J.sh.sep, line, name, err))
                        rc = -1; /* rows read by position: the right columns? */
                    for (size_t j = 0; !rc && !J.sh.head && j < plan->nfile; j++)
                        if (plan->src[j] >= 0 && o->tab->col[plan->src[j]].kind == COL_LABEL &&
                            label_place_check(p, e, J.sh.sep, j + 1, line, o, name, err))
                            rc = -1;
                    if (!rc && !J.sh.head && shift_check(p, e, J.sh.sep, plan, o->tab, o->in, line, name, err)) rc = -1;
                    for (size_t j = 0; j < plan->nfile; j++) /* predict reads no label or target */
                        if (plan->src[j] >= 0 && (o->tab->col[plan->src[j]].kind == COL_LABEL || o->tab->col[plan->src[j]].kind == COL_TARGET))
                            plan->src[j] = -1;
                    if (rc) break;
                    J.plan = plan;
                } else if (J.sh.d != N->size[0]) {
                    const char *le = line_end(p, e);
                    int trail;
                    while (le > p && le[-1] == '\r') le--;
                    trail = J.sh.sep != ' ' && le > p && le[-1] == J.sh.sep;
                    where_line(where, name, line + 1);
                    rc = fail(err, where, "%zu features per row, but the model takes %zu%s", J.sh.d, N->size[0],
                              trail ? " (the line ends with a separator, so its last column is empty)"
                              : J.sh.d == N->size[0] + 1 && !J.sh.lc ? " (is one column a label? see --label-col)" : "");
                    break;
                }
                if (oo->keep && keep_columns(oo, &J.sh, name, err)) {
                    rc = -1;
                    break;
                }
                oo->header_due = oo->header && J.sh.head && (oo->fmt == FMT_CSV || oo->fmt == FMT_TSV); /* (with the first answer) */
                shaped = 1;
            } else if (!lines_in) {
                for (; p < e; p++) line += *p == '\n';
            } else {
                endpos = 0; /* only the header so far: wait for a data line */
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
                const char *eol = line_end(p, e);
                line++;
                if (eol - p > NN_MAX_LINE) { /* answer the rows before it, then stop */
                    longline = line;
                    break;
                }
                if (!skip_line_c(p, eol, !J.plan || table_numbers(o->tab))) J.beg[J.n] = p, J.end[J.n] = eol, J.lineno[J.n++] = line;
                p = eol + 1;
            }
            if (J.n && oo->mpath) { /* the first rows, however the reads split them: their scale against the training data's */
                size_t lim = NN_SCALE_ROWS, d = N->size[0], r = 0, want = sn + J.n < lim ? sn + J.n : lim;
                if (grow((void **)&sx, &scap, want * d, sizeof *sx)) free(sx), sx = NULL, oo->mpath = NULL; /* (no check, then) */
                for (; sx && r < J.n && sn < lim; r++, sn++) {
                    const char *lab[2];
                    int lq;
                    CsvBad bf;
                    RowNote rn;
                    memset(&rn, 0, sizeof rn);
                    if (J.plan ? table_row(J.beg[r], J.end[r], J.sh.sep, J.plan, sx + sn * d, NULL, lab, &lq, &rn, &bf) != 0
                               : csv_row(J.beg[r], J.end[r], J.sh.sep, J.sh.ncol, J.sh.lc, J.sh.skip, 1.0f, sx + sn * d, lab, &lq, &bf))
                        break; /* (the answers will stop there, with its message) */
                }
                if (sx && (sn == lim || r < J.n)) { /* all it looks at, or a row that does not read: said now, once */
                    scale_check(sx, sn, d, d, J.in, oo->tab, -1, name, oo->mpath);
                    oo->mpath = NULL;
                }
            }
            while (J.n) { /* (again after a bad row, under --on-error) */
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
                threshold_preds(N, J.out, J.pred, bad < J.n ? bad : J.n, oo->threshold);
                if (bad != SIZE_MAX) {
                    print_answers(N, J.out, J.pred, bad, oo, J.beg, J.end); /* the rows before it are good */
                    where_line(where, name, J.lineno[bad]);
                    rc = csv_fail(err, where, &J.bad[bt], J.sh.ncol);
                    if (!oo->on_error) break;
                    if (oo->nbad++ < NN_SAY_BAD && !o->quiet) /* --on-error: said, marked or not, and on to the rows after it */
                        fprintf(stderr, "%s: %s: %s (%s)\n", progname, err->where, err->msg, oo->on_error == ON_MARK ? "marked NA" : "skipped");
                    if (oo->on_error == ON_MARK) {
                        char m[NN_WHERE + 600];
                        snprintf(m, sizeof m, "%s: %s", err->where, err->msg);
                        print_marker(N, oo, J.beg[bad], J.end[bad], m);
                    }
                    rc = 0, err->where[0] = err->msg[0] = 0;
                    memmove(J.beg, J.beg + bad + 1, (J.n - bad - 1) * sizeof *J.beg);
                    memmove(J.end, J.end + bad + 1, (J.n - bad - 1) * sizeof *J.end);
                    memmove(J.lineno, J.lineno + bad + 1, (J.n - bad - 1) * sizeof *J.lineno);
                    J.n -= bad + 1;
                    continue;
                }
                print_answers(N, J.out, J.pred, J.n, oo, J.beg, J.end);
                if (!regular) fflush(oo->f);
                break;
            }
            if (rc) break; /* (out of memory, or a bad row that stops) */
            if (longline) {
                rc = fail(err, name, "line %zu is longer than %d bytes (the limit)", longline, NN_MAX_LINE);
                break;
            }
        }
        memmove(buf, buf + endpos, have - endpos);
        have -= endpos, chk = chk > endpos ? chk - endpos : 0;
        nlscan = nlscan > endpos ? nlscan - endpos : 0, known = known > endpos ? known - endpos : 0;
        if (have - known > NN_MAX_LINE) {
            rc = fail(err, name, "line %zu is longer than %d bytes (the limit)", line + 1, NN_MAX_LINE);
            break;
        }
        if (eof) break;
        if (have == cap) { /* one line longer than the buffer */
            uint8_t *nb;
            if (cap > NN_MAX_LINE) {
                rc = fail(err, name, "line %zu is longer than %d bytes (the limit)", line + 1, NN_MAX_LINE);
                break;
            }
            if (!(nb = realloc(buf, cap * 2))) {
                rc = fail(err, name, "out of memory");
                break;
            }
            buf = nb, cap *= 2;
        }
        if ((rc = read_more(fd, buf, cap, &have, &eof, name, err))) break;
    }
    if (oo->mpath && sn) scale_check(sx, sn, N->size[0], N->size[0], J.in, oo->tab, -1, name, oo->mpath); /* (fewer rows than it looks at) */
    oo->mpath = NULL, free(sx);
    /* no rows in, no answers out: a filter on empty input prints nothing */
    {
        RowNote all;
        memset(&all, 0, sizeof all);
        for (int t = 0; t < NN_MAX_THREADS; t++) note_add(&all, &J.note[t]);
        filled = all.filled;
        if (oo->note) *oo->note = all;
        if (filled && !o->quiet) say("%s: %zu missing value%s filled in with the training means", name, filled, plural(filled));
        if (J.plan && !o->quiet) note_unseen(&all, J.plan->tab, name);
    }
    free(plan);
    free(buf), free(J.beg), free(J.end), free(J.lineno), free(J.out), free(J.pred);
    return rc;
}

/* Answer n rows read already as numbers, x (n, the model's inputs; each
 * value the float csv_row makes of its text: nn serve's arrays), as
 * predict_stream answers the same rows as CSV lines: the scale check of
 * the first rows, then the answers into oo.  1, with nothing printed, when
 * an answer is not finite (read the rows as text for predict's message). */
static int predict_numbers(Pool *pl, Infer *I, const Net *N, const char *name, const float *x, size_t n, OutOpt *oo, Err *err)
{
    PredJob J;
    size_t K = N->size[N->nl - 1], d = N->size[0];
    memset(&J, 0, sizeof J);
    J.net = N, J.in = I->in, J.scratch = &I->scratch[0][0], J.xs = x, J.n = n;
    if (!n) return 0;
    if (oo->mpath) { /* the first rows: their scale against the training data's */
        size_t lim = NN_SCALE_ROWS;
        scale_check(x, n < lim ? n : lim, d, d, J.in, oo->tab, -1, name, oo->mpath);
        oo->mpath = NULL;
    }
    if (!(J.out = malloc(n * K * sizeof *J.out)) || !(J.pred = malloc(n * sizeof *J.pred))) {
        free(J.out);
        return fail(err, name, "out of memory");
    }
    if (n < 2 * NN_CHUNK) pred_job(&J, 0, 1);
    else pool_run(pl, pred_job, &J);
    for (int t = 0; t < (n < 2 * NN_CHUNK ? 1 : pl->nt); t++)
        if (J.badrow[t] != SIZE_MAX) {
            free(J.out), free(J.pred);
            return 1;
        }
    threshold_preds(N, J.out, J.pred, n, oo->threshold);
    print_answers(N, J.out, J.pred, n, oo, NULL, NULL);
    if (oo->note) memset(oo->note, 0, sizeof *oo->note);
    free(J.out), free(J.pred);
    return 0;
}

/* ======================================================================== */
/* @@export exporters: C, int8, ONNX                                       */
/* ======================================================================== */

/* Protocol Buffers' wire format, the encoding side, for ONNX export: a
 * message is a series of fields, each a key (field number << 3 | wire
 * type) then a varint (type 0), 4 bytes little-endian (type 5) or a
 * length and bytes (type 2: strings, bytes, nested messages and packed
 * repeated scalars).  A nested message is written into a Buf of its own
 * first, so its length is known. */
static void pb_varint(Buf *b, uint64_t v)
{
    uint8_t t[10];
    int n = 0;
    do t[n++] = (uint8_t)((v & 0x7f) | (v > 0x7f ? 0x80 : 0)), v >>= 7;
    while (v);
    buf_put(b, t, (size_t)n);
}

static void pb_int(Buf *b, int field, int64_t v) { pb_varint(b, (uint64_t)field << 3), pb_varint(b, (uint64_t)v); }

static void pb_bytes(Buf *b, int field, const void *p, size_t n)
{
    pb_varint(b, (uint64_t)field << 3 | 2), pb_varint(b, n);
    buf_put(b, p, n);
}

static void pb_str(Buf *b, int field, const char *s) { pb_bytes(b, field, s, strlen(s)); }

static void pb_float(Buf *b, int field, float v)
{
    pb_varint(b, (uint64_t)field << 3 | 5);
    buf_u32(b, f32_bits(v));
}

/* Field `field` holding the message in m, which is freed. */
static void pb_msg(Buf *b, int field, Buf *m)
{
    if (m->oom) b->oom = 1;
    pb_bytes(b, field, m->p, m->n);
    free(m->p);
    memset(m, 0, sizeof *m);
}

/* Format notes: ONNX (onnx/onnx.proto, IR version 8, operator set 13).
 * nn writes a ModelProto: ir_version (1), opset_import (8: domain 1 "",
 * version 2), producer_name (2), producer_version (3), doc_string (6),
 * graph (7), metadata_props (14: key 1, value 2).  The GraphProto: node
 * (1), name (2), initializer (5), doc_string (10), input (11), output
 * (12).  A NodeProto: input (1), output (2), name (3), op_type (4),
 * attribute (5: name 1, f 2, i 3, ints 8, type 20 -- FLOAT 1, INT 2,
 * INTS 7).  A TensorProto: dims (1), data_type (2: FLOAT 1, INT64 7),
 * float_data (4, packed), int64_data (7, packed), name (8).  A
 * ValueInfoProto: name (1), type (2): TypeProto.tensor_type (1):
 * elem_type (1), shape (2): TensorShapeProto.dim (1): dim_value (1) or
 * dim_param (2).
 *
 * The graph takes rows as nn predict does: input "input" (N, features),
 * N free, the raw features.  The input map becomes Mul (1/divisor), Sub
 * and Mul (standardisation); dense layers Gemm (W (out, in), transB); a
 * network of images is reshaped to (N, H, W, C) -- nn's channel-last rows
 * -- and transposed to ONNX's (N, C, H, W) for Conv, MaxPool and
 * AveragePool, then back to channel-last and flattened before its first
 * dense layer, so the dense weights are nn's as they are; a convolution's
 * kernels (out, dy, dx, in) are permuted to (out, in, dy, dx). */
/* A node op(in...) -> out, with attributes; out becomes g->cur. */
static void onnx_node(Onnx *g, const char *op, const char *const *in, int nin, const char *out, const OnnxAttr *at, int nat)
{
    Buf n = {NULL, 0, 0, 0};
    for (int k = 0; k < nin; k++) pb_str(&n, 1, in[k]);
    pb_str(&n, 2, out), pb_str(&n, 3, out), pb_str(&n, 4, op);
    for (int k = 0; k < nat; k++) {
        Buf a = {NULL, 0, 0, 0};
        pb_str(&a, 1, at[k].name);
        if (at[k].type == 1) pb_float(&a, 2, at[k].f);
        else if (at[k].type == 2) pb_int(&a, 3, at[k].i[0]);
        else
            for (int j = 0; j < at[k].n; j++) pb_int(&a, 8, at[k].i[j]);
        pb_int(&a, 20, at[k].type);
        pb_msg(&n, 5, &a);
    }
    pb_msg(&g->nodes, 1, &n);
    if (out != g->cur) snprintf(g->cur, sizeof g->cur, "%s", out);
}

/* A fresh tensor name. */
static const char *onnx_name(Onnx *g, char *buf, size_t n)
{
    snprintf(buf, n, "t%d", g->k++);
    return buf;
}

/* A one-input node on g->cur into a new tensor. */
static void onnx_unary(Onnx *g, const char *op, const OnnxAttr *at, int nat)
{
    char out[32];
    const char *in[1] = {g->cur};
    onnx_node(g, op, in, 1, onnx_name(g, out, sizeof out), at, nat);
}

/* An initializer: a float tensor of shape dims[0..nd) (v holds their
 * product), or an int64 one (iv) when v is NULL. */
static void onnx_init(Onnx *g, const char *name, const int64_t *dims, int nd, const float *v, const int64_t *iv)
{
    Buf t = {NULL, 0, 0, 0}, d = {NULL, 0, 0, 0};
    size_t cnt = 1;
    for (int k = 0; k < nd; k++) pb_int(&t, 1, dims[k]), cnt *= (size_t)dims[k];
    pb_int(&t, 2, v ? 1 : 7);
    for (size_t i = 0; i < cnt; i++) {
        if (v) buf_u32(&d, f32_bits(v[i]));
        else pb_varint(&d, (uint64_t)iv[i]);
    }
    pb_bytes(&t, v ? 4 : 7, d.p, d.n); /* packed */
    if (d.oom) t.oom = 1;
    free(d.p);
    pb_str(&t, 8, name);
    pb_msg(&g->inits, 5, &t);
}

/* g->cur = g->cur op c, c a float constant tensor of n values (shape (n),
 * broadcast over the rows; (1) for a scalar). */
static void onnx_const_op(Onnx *g, const char *op, const float *c, size_t n)
{
    char cn[32], out[32];
    int64_t dim = (int64_t)n;
    const char *in[2];
    onnx_name(g, cn, sizeof cn);
    onnx_init(g, cn, &dim, 1, c, NULL);
    in[0] = g->cur, in[1] = cn;
    onnx_node(g, op, in, 2, onnx_name(g, out, sizeof out), NULL, 0);
}

/* g->cur reshaped to dims[0..nd) (-1: the rest). */
static void onnx_reshape(Onnx *g, const int64_t *dims, int nd)
{
    char sn[32], out[32];
    int64_t d = nd;
    const char *in[2];
    onnx_name(g, sn, sizeof sn);
    onnx_init(g, sn, &d, 1, NULL, dims);
    in[0] = g->cur, in[1] = sn;
    onnx_node(g, "Reshape", in, 2, onnx_name(g, out, sizeof out), NULL, 0);
}

/* Bring g->cur to the layout a layer needs: (N, C, H, W) for an image
 * layer, (N, features) in nn's channel-last order for a dense one. */
static void onnx_layout(Onnx *g, const Layer *ly, int want_nchw)
{
    if (want_nchw && !g->nchw) {
        int64_t s[4] = {-1, (int64_t)ly->ih, (int64_t)ly->iw, (int64_t)ly->ic};
        OnnxAttr p = {"perm", 7, 0, {0, 3, 1, 2}, 4};
        onnx_reshape(g, s, 4);
        onnx_unary(g, "Transpose", &p, 1);
        g->nchw = 1;
    } else if (!want_nchw && g->nchw) {
        OnnxAttr p = {"perm", 7, 0, {0, 2, 3, 1}, 4}, f = {"axis", 2, 0, {1}, 0};
        onnx_unary(g, "Transpose", &p, 1);
        onnx_unary(g, "Flatten", &f, 1);
        g->nchw = 0;
    }
}

/* A float as a C constant: shortest round-trip text, always with a point
 * or an exponent, and the f suffix (so firmware builds stay in float). */
static const char *c_float(float v, char *buf, size_t n)
{
    size_t l;
    snprintf(buf, n, "%.9g", (double)v);
    l = strlen(buf);
    if (!strpbrk(buf, ".e") && l + 3 < n) memcpy(buf + l, ".0", 3), l += 2;
    if (l + 2 < n) buf[l] = 'f', buf[l + 1] = 0;
    return buf;
}

/* s as the inside of a C string literal: \\ \" \? escaped, bytes outside
 * printable ASCII as three-digit octal (which never runs on into the next
 * character, as hex escapes can). */
static void c_string(Buf *b, const char *s)
{
    char e[8];
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '\\' || *p == '"' || *p == '?') e[0] = '\\', e[1] = (char)*p, e[2] = 0;
        else if (*p < 32 || *p > 126) snprintf(e, sizeof e, "\\%03o", *p);
        else e[0] = (char)*p, e[1] = 0;
        buf_put(b, e, strlen(e));
    }
}

/* s inside a C comment: "*" "/" cannot end it and control bytes are dropped. */
static void c_comment(Buf *b, const char *s)
{
    for (const char *p = s; *p; p++) {
        if ((unsigned char)*p < 32) continue;
        buf_put(b, p, 1);
        if (*p == '*' && p[1] == '/') buf_put(b, " ", 1);
    }
}

/* The C of a table's encoding: nn_encode() and nn_predict_fields(). */
static void export_table(Buf *b, const Table *tab)
{
    char line[1024], fb[40];
    size_t off = 0;
#define EMIT(...) (snprintf(line, sizeof line, __VA_ARGS__), buf_put(b, line, strlen(line)))
    EMIT("#define NN_COLUMNS %u\nstatic const char *const nn_column_names[NN_COLUMNS] = {", tab->ncol);
    for (uint32_t c = 0; c < tab->ncol; c++) {
        EMIT("%s", c ? (c % 6 ? ", " : ",\n    ") : "\n    ");
        if (tab->col[c].name) EMIT("\""), c_string(b, tab->col[c].name), EMIT("\"");
        else EMIT("NULL");
    }
    EMIT("};\n\n/* Whether field f is a missing value, as nn reads one. */\nstatic inline int nn_missing(const char *f)\n{\n");
    EMIT("    static const char *const spell[] = {");
    for (int k = 0; missing_spellings[k]; k++) EMIT("\"%s\", ", missing_spellings[k]);
    EMIT("NULL};\n    if (!f || !*f) return 1;\n    for (int k = 0; spell[k]; k++)\n        if (!strcmp(f, spell[k])) return 1;\n    return 0;\n}\n\n");
    EMIT("/* Field f as a number, as nn reads one: [+-]digits[.digits][e[+-]digits],\n"
         " * finite as a float (no hex, inf or nan); 0, or -1. */\n"
         "static inline int nn_number(const char *f, float *v)\n{\n    const char *p = f;\n    char *end;\n    int dig = 0;\n"
         "    if (*p == '+' || *p == '-') p++;\n    for (; *p >= '0' && *p <= '9'; p++) dig++;\n"
         "    if (*p == '.')\n        for (p++; *p >= '0' && *p <= '9'; p++) dig++;\n"
         "    if (!dig) return -1;\n    if (*p == 'e' || *p == 'E') {\n        p++;\n        if (*p == '+' || *p == '-') p++;\n"
         "        if (*p < '0' || *p > '9') return -1;\n        while (*p >= '0' && *p <= '9') p++;\n    }\n"
         "    if (*p) return -1;\n    *v = strtof(f, &end);\n    return isfinite(*v) ? 0 : -1;\n}\n\n");
    EMIT("/* Whether a and b are the same letters in any case. */\n"
         "static inline int nn_caseeq(const char *a, const char *b)\n{\n    for (; *a && *b; a++, b++)\n"
         "        if ((*a | 0x20) != (*b | 0x20)) return 0;\n    return *a == *b;\n}\n\n"
         "/* The level of cat[0..n) that field f, no level itself, stands for, as\n"
         " * nn reads it: true or false in any case (R's TRUE is pandas' True), or\n"
         " * the same number (pandas writes R's level \"6\" as 6.0); or -1. */\n"
         "static inline int nn_level(const char *f, const char *const *cat, int n)\n{\n    float v, w;\n"
         "    int tf = nn_caseeq(f, \"true\") || nn_caseeq(f, \"false\");\n    for (int k = 0; k < n; k++)\n"
         "        if (tf ? nn_caseeq(f, cat[k]) : !nn_number(f, &v) && !nn_number(cat[k], &w) && v == w) return k;\n"
         "    return -1;\n}\n\n");
    EMIT("/* The features of a row of text fields (see the top); returns 0, or the\n * column (from 1) whose number does not read%s. */\n",
         tab->missing == MISS_ERROR ? " or whose value is missing (the model was trained with --missing error)" : "");
    EMIT("static inline int nn_encode(const char *const *field, float *in)\n{\n");
    EMIT("    for (int i = 0; i < NN_INPUTS; i++) in[i] = 0.0f;\n");
    for (uint32_t c = 0; c < tab->ncol; c++) {
        const Column *C = &tab->col[c];
        if (C->kind == COL_NUMBER) {
            if (tab->missing == MISS_ERROR) /* as nn: a missing value is an error */
                EMIT("    if (nn_missing(field[%u])) return %u;\n", c, c + 1);
            else
                EMIT("    if (nn_missing(field[%u])) in[%zu] = %s;\n", c, off, c_float(C->fill, fb, sizeof fb));
            EMIT("    else if (nn_number(field[%u], &in[%zu])) return %u;\n", c, off, c + 1);
            off++;
        } else if (C->kind == COL_CATEGORY) {
            long miss_at = -1;
            for (uint32_t k = 0; k < C->ncat; k++) /* a level spelled as a missing value, beside missing values: */
                for (uint32_t k2 = 0; k2 < C->ncat; k2++) /* nn told them apart by quotes, which a field's text has lost */
                    if (!C->cats[k2][0] && missing_spelling(C->cats[k])) {
                        EMIT("    /* column %u: the text ", c + 1);
                        c_string(b, C->cats[k]);
                        EMIT(" is its level; give a missing value of this column as \"\" or NULL */\n");
                    }
            EMIT("    {\n        static const char *const cat[%u] = {", C->ncat);
            for (uint32_t k = 0; k < C->ncat; k++) {
                EMIT("%s\"", k ? ", " : "");
                c_string(b, C->cats[k]);
                EMIT("\"");
                if (!C->cats[k][0]) miss_at = (long)k;
            }
            /* a level first (R's level "None" is one, though None alone is missing), then a missing value */
            EMIT("};\n        const char *f = field[%u];\n        int hit = -1;\n", c);
            EMIT("        for (int k = 0; f && *f && k < %u; k++)\n            if (!strcmp(f, cat[k])) hit = k;\n", C->ncat);
            EMIT("        if (hit < 0 && f && *f) hit = nn_level(f, cat, %u);\n", C->ncat);
            if (tab->missing == MISS_ERROR) EMIT("        if (hit < 0 && nn_missing(f)) return %u;\n", c + 1);
            else EMIT("        if (hit < 0 && nn_missing(f)) hit = %ld;\n", miss_at);
            EMIT("        if (hit >= 0) in[%zu + hit] = 1.0f; /* unseen: all 0 */\n    }\n", off);
            off += C->ncat;
        }
    }
    EMIT("    return 0;\n}\n\n");
    EMIT("/* nn_encode, then nn_predict; -1 when nn_encode fails or an output is not finite. */\n");
    EMIT("static inline int nn_predict_fields(const char *const *field, float *out)\n{\n    float in[NN_INPUTS];\n");
    EMIT("    int r;\n    if (nn_encode(field, in)) return -1;\n    r = nn_predict(in, out);\n");
    EMIT("    for (int k = 0; k < NN_OUTPUTS; k++)\n        if (!isfinite(out[k])) return -1; /* a value too large for the scaling */\n");
    EMIT("    return r;\n}\n\n");
#undef EMIT
}

/* ---- the int8 quantiser, the writers and their table --------------------- */

/* A network's int8 weights and their scales, per layer with weights. */
typedef struct {
    int8_t *q[NN_MAX_LAYERS];
    float *s[NN_MAX_LAYERS];
} Q8;

static void q8_free(Q8 *Q)
{
    for (int l = 0; l < NN_MAX_LAYERS; l++) free(Q->q[l]), free(Q->s[l]);
    memset(Q, 0, sizeof *Q);
}

/* Quantise N's weights (see "int8 inference" in @@layer); -1 with why. */
static int q8_make(const Net *N, Q8 *Q, char *why, size_t n)
{
    memset(Q, 0, sizeof *Q);
    for (int l = 1; l < N->nl; l++) {
        const Layer *ly = &N->layer[l];
        if (!ly->nw) continue;
        if (ly->wcols > (size_t)INT32_MAX / (127 * 127)) { /* the int32 sum could overflow */
            snprintf(why, n, "layer %d has %zu inputs a unit; int8 with int32 sums takes at most %d", l, ly->wcols, INT32_MAX / (127 * 127));
            q8_free(Q);
            return -1;
        }
        if (!(Q->q[l] = alloc_array(ly->wrows * ly->wcols, 1)) || !(Q->s[l] = alloc_array(ly->wrows, sizeof(float)))) {
            snprintf(why, n, "out of memory");
            q8_free(Q);
            return -1;
        }
        for (size_t j = 0; j < ly->wrows; j++) {
            const float *w = NET_W(N, l) + j * ly->ldw;
            float mx = 0, inv;
            for (size_t i = 0; i < ly->wcols; i++) mx = fabsf(w[i]) > mx ? fabsf(w[i]) : mx;
            inv = mx > 0 ? 127.0f / mx : 0.0f;
            Q->s[l][j] = mx > 0 ? mx / 127.0f : 1.0f;
            for (size_t i = 0; i < ly->wcols; i++) Q->q[l][j * ly->wcols + i] = q8_round(w[i] * inv);
        }
    }
    return 0;
}

/* a = f(z) over n values, as the exporter's C (acts[].c) computes it. */
static void act_as_c(int act, float *z, float *a, size_t n)
{
    if (act == ACT_SOFTMAX) { /* (in float: no software doubles on a Cortex-M; nn's own sums in double) */
        float mx = z[0], sum = 0.0f;
        for (size_t j = 0; j < n; j++) mx = z[j] > mx ? z[j] : mx;
        for (size_t j = 0; j < n; j++) sum += z[j] = expf(z[j] - mx);
        for (size_t j = 0; j < n; j++) a[j] = z[j] / sum;
        return;
    }
    for (size_t j = 0; j < n; j++)
        a[j] = act == ACT_SIGMOID ? 1.0f / (1.0f + expf(-z[j])) : act == ACT_TANH ? tanhf(z[j]) : act == ACT_RELU ? (z[j] > 0 ? z[j] : 0.0f)
             : act == ACT_LEAKY ? (z[j] > 0 ? z[j] : LEAKY_SLOPE * z[j]) : z[j];
}

/* The int8 header's nn_predict, in nn: x raw features; a, z (NN_WIDEST
 * floats) and q (NN_WIDEST bytes) scratch; out (outputs).  Returns the
 * label. */
static int q8_predict(const Net *N, const Q8 *Q, const Meta *M, const float *x, float *a, float *z, int8_t *q, float *out)
{
    const int L = N->nl - 1;
    const size_t K = N->size[L];
    int best = 0;
    for (size_t i = 0; i < N->size[0]; i++) a[i] = x[i] * (1.0f / M->in.div);
    if (M->in.mean)
        for (size_t i = 0; i < N->size[0]; i++) a[i] = (a[i] - M->in.mean[i]) * M->in.rsd[i];
    for (int l = 1; l <= L; l++) {
        LK(N, l)->q8(&N->layer[l], Q->q[l], Q->s[l], NET_B(N, l), NET_S(N, l), a, q, z);
        act_as_c(N->layer[l].act, z, a, N->size[l]);
    }
    for (size_t k = 0; k < K; k++) {
        out[k] = N->task == TASK_REGRESS ? a[k] * M->out.sd[k] + M->out.mean[k] : a[k]; /* (in float, as the header) */
        if (a[k] > a[best]) best = (int)k;
    }
    if (K == 1 && N->task != TASK_REGRESS) best = a[0] > 0.5f;
    return N->task == TASK_REGRESS ? 0 : best;
}

typedef struct {
    const Net *N;
    const Q8 *Q;
    const Meta *M;
    const Data *d;
    float *out;     /* (n, outputs) */
    int32_t *pred;  /* (n) */
    int oom;
} Q8Job;

static void q8_job(void *arg, int tid, int nt)
{
    Q8Job *J = arg;
    const Net *N = J->N;
    size_t r0 = J->d->n * (size_t)tid / (size_t)nt, r1 = J->d->n * (size_t)(tid + 1) / (size_t)nt, wide = 0, D = N->size[0];
    for (int l = 0; l < N->nl; l++) wide = N->size[l] > wide ? N->size[l] : wide;
    float *a = malloc(wide * sizeof *a), *z = malloc(wide * sizeof *z), *x = malloc(D * sizeof *x);
    int8_t *q = malloc(wide);
    if (!a || !z || !x || !q) J->oom = 1;
    for (size_t r = r0; r < r1 && a && z && x && q; r++) {
        for (size_t i = 0; i < D; i++) x[i] = J->d->x8 ? (float)J->d->x8[r * D + i] : J->d->xf[r * D + i];
        J->pred[r] = q8_predict(N, J->Q, J->M, x, a, z, q, J->out + r * N->size[N->nl - 1]);
    }
    free(a), free(z), free(x), free(q);
}

/* The figure --test prints and the header records: accuracy, or for a
 * regression the root mean squared error, of outputs `out` (in the
 * data's units) and labels `pred` on d. */
static void test_figure(const Net *N, const Data *d, const float *out, const int32_t *pred, char *buf, size_t n)
{
    size_t K = N->size[N->nl - 1], right = 0;
    double se = 0;
    if (N->task == TASK_REGRESS) {
        for (size_t r = 0; r < d->n; r++)
            for (size_t k = 0; k < K; k++) {
                double e = (double)out[r * K + k] - (double)d->t[r * d->nt + k];
                se += e * e;
            }
        snprintf(buf, n, "RMSE %.6g", sqrt(se / (double)(d->n * K)));
        return;
    }
    for (size_t r = 0; r < d->n; r++) right += pred[r] == d->y[r];
    snprintf(buf, n, "accuracy %.2f%% (%zu/%zu)", 100.0 * (double)right / (double)d->n, right, d->n);
}

#define NN_MAX_PREFIX 48 /* characters of export --prefix */

/* C identifiers' characters, in ASCII whatever the locale. */
static int c_ident_start(int c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
static int c_ident_char(int c) { return c_ident_start(c) || (c >= '0' && c <= '9'); }

/* What an exporter gets beside the model. */
typedef struct {
    const char *model;  /* its path, for the comments */
    const Q8 *q8;       /* the C header's weights as int8 (--int8), or NULL */
    char test[800];     /* what --test measured, for the header's comment, or "" */
    char prefix[NN_MAX_PREFIX + 1]; /* the C header's names: PREFIX_predict, PREFIX_INPUTS, PREFIX_H (see c_prefix) */
} ExportOpt;

/* The C header's names are written nn_x and NN_X, then renamed PREFIX_x and
 * PREFIXUPPER_X here: every identifier of the code that starts so, and the
 * same identifiers in its comments (text in strings, class and column names,
 * is left as it is).  b is rewritten; -1 when out of memory. */
static int c_prefix(Buf *b, const char *prefix)
{
    Buf o = {NULL, 0, 0, 0}, ids = {NULL, 0, 0, 0};
    char up[NN_MAX_PREFIX + 1];
    size_t np = strlen(prefix);
    if (!*prefix || !strcmp(prefix, "nn")) return 0; /* (no prefix given: the names as written) */
    for (size_t i = 0; i <= np; i++) up[i] = prefix[i] >= 'a' && prefix[i] <= 'z' ? (char)(prefix[i] - 'a' + 'A') : prefix[i];
    for (int pass = 0; pass < 2; pass++) { /* the code's identifiers, then the renaming */
        int st = 0; /* 0 code, 1 "string", 2 'char', 3 comment */
        for (size_t i = 0; i < b->n;) {
            const char *p = (const char *)b->p + i;
            size_t k = 1;
            if (st == 0 && (p[0] == '"' || p[0] == '\'')) st = p[0] == '"' ? 1 : 2;
            else if (st == 0 && p[0] == '/' && i + 1 < b->n && p[1] == '*') st = 3, k = 2;
            else if ((st == 1 || st == 2) && p[0] == '\\') k = i + 1 < b->n ? 2 : 1;
            else if ((st == 1 && p[0] == '"') || (st == 2 && p[0] == '\'')) st = 0;
            else if (st == 3 && p[0] == '*' && i + 1 < b->n && p[1] == '/') st = 0, k = 2;
            else if ((st == 0 || st == 3) && c_ident_start(p[0]) && !(i && c_ident_char(p[-1]))) { /* an identifier */
                while (i + k < b->n && c_ident_char(p[k])) k++;
                if (k > 3 && (!strncmp(p, "nn_", 3) || !strncmp(p, "NN_", 3))) {
                    char id[80];
                    int known;
                    snprintf(id, sizeof id, " %.*s ", (int)(k < 70 ? k : 70), p);
                    known = ids.p && strstr((const char *)ids.p, id) != NULL;
                    if (pass == 0 && st == 0 && !known) buf_put(&ids, id, strlen(id)), buf_put(&ids, "", 1), ids.n--; /* (ended by a NUL) */
                    if (pass == 1 && (st == 0 || known)) {
                        buf_put(&o, p[0] == 'n' ? prefix : up, np);
                        buf_put(&o, p + 2, k - 2);
                        i += k;
                        continue;
                    }
                }
            }
            if (pass == 1) buf_put(&o, p, k);
            i += k;
        }
    }
    free(ids.p);
    if (o.oom || ids.oom) {
        free(o.p);
        return -1;
    }
    free(b->p);
    *b = o;
    return 0;
}

/* The network in the spec's notation, e.g. "1x28x28-20c5relu-mp2-100relu-10softmax",
 * which --layers reads back: a layer whose activation went to the batch
 * normalisation after it is written without one ("32c3p1-bnrelu"). */
static void net_spec(const Net *N, char *buf, size_t n)
{
    char fb[40];
    size_t k = 0;
    buf[0] = 0;
    if (net_images(N)) k += (size_t)snprintf(buf, n, "%zux%zux%zu", N->shape[0][0], N->shape[0][1], N->shape[0][2]);
    else k += (size_t)snprintf(buf, n, "%zu", N->size[0]);
    for (int l = 1; l < N->nl && k < n; l++) {
        int moved = l + 1 < N->nl && (LK(N, l + 1)->flags & KIND_SUMS) && N->layer[l].act == ACT_LINEAR;
        k += (size_t)snprintf(buf + k, n - k, "-%s%s", layer_text(&N->layer[l], fb, sizeof fb),
                              (LK(N, l)->flags & KIND_NO_ACT) || moved ? "" : act_name(N->layer[l].act));
    }
}

/* N with each batch normalisation that follows a layer of one weight row
 * and one bias per channel (a convolution's map, a dense layer's unit)
 * folded into that layer, as firmware wants it: row c of W times s_c =
 * gamma_c / sqrt(var_c + eps), b_c' = (b_c - mean_c) s_c + beta_c, the
 * layer taking bn's activation; other layers, and a bn with nothing to fold
 * into (a pool, the input, or a bn folded away itself), as they are.  Into F (allocated; every member of an ensemble):
 * 1 when there was nothing to fold (F untouched), 0, or -1 out of memory. */
static int net_fold(const Net *N, Net *F, Err *err)
{
    int keep[NN_MAX_LAYERS], into[NN_MAX_LAYERS] = {0}, any = 0, k = 1, E = net_members(N);
    for (int l = 1; l < N->nl; l++) {
        const Layer *ly = &N->layer[l], *lo = &N->layer[l - 1];
        keep[l] = 1;
        if ((LK(N, l)->flags & KIND_SUMS) && l > 1 && keep[l - 1] && !into[l - 1] && lo->act == ACT_LINEAR && lo->wrows == ly->ic &&
            lo->nbias == ly->ic && (lo->nw || lo->nb))
            keep[l] = 0, into[l - 1] = l, any = 1;
    }
    if (!any) return 1;
    memset(F, 0, sizeof *F);
    F->shape[0][0] = N->shape[0][0], F->shape[0][1] = N->shape[0][1], F->shape[0][2] = N->shape[0][2], F->size[0] = N->size[0];
    for (int l = 1; l < N->nl; l++) {
        if (!keep[l]) continue;
        F->layer[k] = N->layer[l], F->size[k] = N->size[l];
        if (into[l]) F->layer[k].act = N->layer[into[l]].act;
        k++;
    }
    F->nl = k, F->cost = N->cost, F->task = N->task, F->members = N->members;
    if (net_layout(F, err)) return -1;
    if (!(F->param = alloc_floats2((size_t)E, F->nparam))) return fail(err, NULL, "out of memory");
    for (int e = 0; e < E; e++) {
        Net V = net_member(N, e), G = net_member(F, e);
        for (int l = 1, f = 1; l < N->nl; l++) {
            const Layer *a = &V.layer[l];
            Layer *g = &G.layer[f];
            if (!keep[l]) continue;
            memcpy(NET_W(&G, f), NET_W(&V, l), a->nw * sizeof(float));
            memcpy(NET_B(&G, f), NET_B(&V, l), a->nb * sizeof(float));
            memcpy(NET_S(&G, f), NET_S(&V, l), a->ns * sizeof(float));
            if (into[l]) { /* scale and shift as bn_forward's inference computes them */
                const Layer *bn = &V.layer[into[l]];
                const float *gam = NET_W(&V, into[l]), *beta = NET_B(&V, into[l]), *St = NET_S(&V, into[l]);
                float *W = NET_W(&G, f), *B = NET_B(&G, f);
                for (size_t c = 0; c < bn->ic; c++) {
                    float sc = gam[c * bn->ldw] / sqrtf(St[bn->ic + c] + 1.0f + bn->eps);
                    for (size_t i = 0; i < g->wcols; i++) W[c * g->ldw + i] *= sc;
                    B[c] = (B[c] - St[c]) * sc + beta[c];
                }
            }
            f++;
        }
    }
    return 0;
}

/* The C header: the weights as float arrays (or int8 ones with their
 * scales) and nn_predict(), which computes what nn predict --probs does
 * (float: the same operations summed in plain order, results agree to
 * float rounding; int8: what export --test measured). */
static void export_c(Buf *b, const Net *N, const Meta *M, const ExportOpt *eo)
{
    const int L = N->nl - 1, q8 = eo->q8 != NULL;
    char line[1024], fb[40], spec[1024];
#define EMIT(...) (snprintf(line, sizeof line, __VA_ARGS__), buf_put(b, line, strlen(line)))
    net_spec(N, spec, sizeof spec);
    EMIT("/* Generated by nn %s from ", NN_VERSION);
    c_comment(b, eo->model);
    EMIT(": a %d-layer network %.900s", N->nl, spec);
    if (N->members > 1) EMIT(",\n * an ensemble of %d such networks: the output is the mean of theirs", N->members);
    if (net_images(N) && N->shape[0][0] > 1) EMIT(",\n * images read pixel by pixel, a pixel's %zu channels together", N->shape[0][0]);
    if (q8)
        EMIT(",\n * quantised: each unit's (map's) weights int8 with a float scale, its input\n"
             " * int8 with one scale a layer, sums in int32, activations in float");
    if (N->task == TASK_REGRESS) EMIT(".\n * Use: float out[NN_OUTPUTS]; nn_predict(in, out);\n");
    else EMIT(".\n * Use: float out[NN_OUTPUTS]; int label = nn_predict(in, out);\n");
    EMIT(" * Or, with the activations off the stack: static float work[NN_WORKSPACE_FLOATS];\n"
         " * nn_predict_work(in, out, work).\n");
    if (M->nnames) EMIT(" * The class of label k is named nn_class_names[k] (NN_CLASSES of them).\n");
    if (M->tab.ncol)
        EMIT(" * From a row of the training table's NN_COLUMNS text fields (as nn reads a\n"
             " * CSV line; label, target and ignored columns are not read and may be NULL):\n"
             " * nn_encode(fields, in) makes the NN_INPUTS features -- a missing value\n"
             " * (NULL, \"\", NA, ...) %s, a category one-hot, an unseen one\n"
             " * all 0 -- and nn_predict_fields(fields, out) does both.  A field is its text\n"
             " * without quotes: NA, None ... is a missing value unless its column has a\n"
             " * level of that name (nn, which sees the quotes, reads a quoted \"NA\" as a name).\n",
             M->tab.missing == MISS_ERROR ? "an error (the model was trained with --missing error)" : "the training mean");
    EMIT(" * in: NN_INPUTS %sfeatures (nn_predict divides them by %.9g%s, as nn did).\n", M->tab.ncol && !table_flat(&M->tab) ? "encoded " : "raw ",
         (double)M->in.div, M->in.mean ? " and standardises them" : "");
    if (N->task == TASK_REGRESS) EMIT(" * out: the predicted values, in the data's units (what nn predict prints).  Needs <math.h> (-lm).\n");
    else EMIT(" * out: the output activations (what nn predict --probs prints).  Needs <math.h> (-lm).\n");
    if (eo->test[0]) {
        EMIT(" * Measured by nn export --test on ");
        c_comment(b, eo->test);
        EMIT(".\n */\n");
    } else if (q8) {
        EMIT(" * Accuracy not measured: nn export MODEL --c FILE.h --int8 --test DATA prints\n"
             " * it beside the float network's and records it here. */\n");
    } else {
        EMIT(" */\n");
    }
    EMIT("#ifndef NN_MODEL_H\n#define NN_MODEL_H\n#include <math.h>\n%s%s\n", q8 ? "#include <stdint.h>\n" : "",
         M->tab.ncol ? "#include <stdlib.h>\n#include <string.h>\n" : "");
    EMIT("#define NN_INPUTS %zu\n#define NN_OUTPUTS %zu\n#define NN_WIDEST ", N->size[0], N->size[L]);
    {
        size_t wide = 0;
        for (int l = 0; l < N->nl; l++) wide = N->size[l] > wide ? N->size[l] : wide;
        EMIT("%zu\n", wide);
        EMIT("/* nn_predict_work's workspace, in floats (%zu bytes): nn_predict takes it on the stack */\n"
             "#define NN_WORKSPACE_FLOATS %s\n\n", (2 * wide + (q8 ? (wide + 3) / 4 : 0)) * sizeof(float),
             q8 ? "(2 * NN_WIDEST + (NN_WIDEST + 3) / 4)" : "(2 * NN_WIDEST)");
    }
    if (M->nnames) {
        EMIT("#define NN_CLASSES %zu\nstatic const char *const nn_class_names[NN_CLASSES] = {", (size_t)M->nnames);
        for (size_t k = 0; k < M->nnames; k++) {
            EMIT("%s\"", k ? ", " : "\n    ");
            c_string(b, M->names[k]);
            EMIT("\"");
        }
        EMIT("};\n\n");
    }
    for (int e = 0; e < net_members(N); e++)
    for (int l = 1; l <= L; l++) {
        const Net V = net_member(N, e); /* (an ensemble's member e; its arrays named by layer_member) */
        const Layer *ly = &N->layer[l]; /* its parameter views: W (wrows, wcols) in rows of ldw, B (nbias), S (ns) */
        char id[24];
        if (N->members > 1) snprintf(id, sizeof id, "%d_%d", l, e);
        else snprintf(id, sizeof id, "%d", l);
        if (ly->ns) {
            EMIT("static const float nn_st%s[%zu] = {", id, ly->ns);
            for (size_t j = 0; j < ly->ns; j++) EMIT("%s%s", j ? (j % 8 ? ", " : ",\n    ") : "\n    ", c_float(NET_S(&V, l)[j], fb, sizeof fb));
            EMIT("};\n\n");
        }
        if (!ly->nw) continue; /* (a pool) */
        EMIT("static const %s nn_w%s[%zu] = {", q8 ? "int8_t" : "float", id, ly->wrows * ly->wcols);
        for (size_t j = 0; j < ly->wrows; j++)
            for (size_t i = 0; i < ly->wcols; i++) {
                size_t at = j * ly->wcols + i;
                const char *sep = at ? (at % (q8 ? 16 : 8) ? ", " : ",\n    ") : "\n    ";
                if (q8) EMIT("%s%d", sep, eo->q8->q[l][at]);
                else EMIT("%s%s", sep, c_float(NET_W(&V, l)[j * ly->ldw + i], fb, sizeof fb));
            }
        if (q8) {
            EMIT("};\nstatic const float nn_s%s[%zu] = {", id, ly->wrows);
            for (size_t j = 0; j < ly->wrows; j++) EMIT("%s%s", j ? (j % 8 ? ", " : ",\n    ") : "\n    ", c_float(eo->q8->s[l][j], fb, sizeof fb));
        }
        EMIT("};\nstatic const float nn_b%s[%zu] = {", id, ly->nbias);
        for (size_t j = 0; j < ly->nbias; j++) EMIT("%s%s", j ? (j % 8 ? ", " : ",\n    ") : "\n    ", c_float(NET_B(&V, l)[j], fb, sizeof fb));
        EMIT("};\n\n");
    }
    if (M->in.mean) {
        EMIT("static const float nn_mean[%zu] = {", N->size[0]);
        for (size_t i = 0; i < N->size[0]; i++) EMIT("%s%s", i ? (i % 8 ? ", " : ",\n    ") : "\n    ", c_float(M->in.mean[i], fb, sizeof fb));
        EMIT("};\nstatic const float nn_rsd[%zu] = {", N->size[0]);
        for (size_t i = 0; i < N->size[0]; i++) EMIT("%s%s", i ? (i % 8 ? ", " : ",\n    ") : "\n    ", c_float(M->in.rsd[i], fb, sizeof fb));
        EMIT("};\n\n");
    }
    if (N->task == TASK_REGRESS) {
        EMIT("static const float nn_target_mean[%u] = {", M->out.n);
        for (uint32_t k = 0; k < M->out.n; k++) EMIT("%s%s", k ? ", " : "", c_float(M->out.mean[k], fb, sizeof fb));
        EMIT("};\nstatic const float nn_target_sd[%u] = {", M->out.n);
        for (uint32_t k = 0; k < M->out.n; k++) EMIT("%s%s", k ? ", " : "", c_float(M->out.sd[k], fb, sizeof fb));
        EMIT("};\n\n");
    }
    if (q8)
        EMIT("/* a[0..n) as int8 into q, rounded to nearest; returns their scale. */\n"
             "static float nn_quantize(const float *a, int n, int8_t *q)\n{\n    float mx = 0.0f, inv;\n"
             "    for (int i = 0; i < n; i++) mx = fabsf(a[i]) > mx ? fabsf(a[i]) : mx;\n"
             "    inv = mx > 0 ? 127.0f / mx : 0.0f;\n"
             "    for (int i = 0; i < n; i++) {\n        const float v = a[i] * inv;\n"
             "        q[i] = (int8_t)(v >= 0 ? (int)(v + 0.5f) : -(int)(0.5f - v));\n    }\n"
             "    return mx > 0 ? mx / 127.0f : 1.0f;\n}\n\n");
    EMIT("/* nn_predict with a workspace of the caller's: work holds NN_WORKSPACE_FLOATS\n"
         " * floats (a static array keeps a large network's activations off the stack). */\n"
         "static inline int nn_predict_work(const float *in, float *out, float *work)\n{\n"
         "    float *a = work, *z = work + NN_WIDEST;\n%s    int best = 0;\n",
         q8 ? "    int8_t *q = (int8_t *)(work + 2 * NN_WIDEST);\n" : "");
    if (N->members > 1) EMIT("    for (int k = 0; k < NN_OUTPUTS; k++) out[k] = 0.0f;\n");
    for (int e = 0; e < net_members(N); e++) {
        if (N->members > 1) EMIT("    /* ensemble member %d of %d */\n", e + 1, N->members);
        EMIT("    for (int i = 0; i < NN_INPUTS; i++) a[i] = in[i] * (1.0f / %s);\n", c_float(M->in.div, fb, sizeof fb));
        if (M->in.mean) EMIT("    for (int i = 0; i < NN_INPUTS; i++) a[i] = (a[i] - nn_mean[i]) * nn_rsd[i];\n");
        for (int l = 1; l <= L; l++) {
            char id[24];
            if (N->members > 1) snprintf(id, sizeof id, "%d_%d", l, e);
            else snprintf(id, sizeof id, "%d", l);
            if (q8) LK(N, l)->export_q8(b, &N->layer[l], id);
            else LK(N, l)->export_c(b, &N->layer[l], id);
            EMIT(acts[N->layer[l].act].c, N->size[l], c_float(LEAKY_SLOPE, fb, sizeof fb));
        }
        if (N->members > 1) EMIT("    for (int k = 0; k < NN_OUTPUTS; k++) out[k] += a[k];\n");
    }
    if (N->members > 1) /* the members' mean, as nn computes it */
        EMIT("    for (int k = 0; k < NN_OUTPUTS; k++) a[k] = out[k] / %d.0f;\n", N->members);
    if (N->task == TASK_REGRESS) {
        EMIT("    for (int k = 0; k < NN_OUTPUTS; k++) out[k] = a[k] * nn_target_sd[k] + nn_target_mean[k]; /* into the data's units */\n");
        EMIT("    return best;\n}\n\n");
    } else {
        EMIT("    for (int k = 0; k < NN_OUTPUTS; k++) {\n        out[k] = a[k];\n        if (a[k] > a[best]) best = k;\n    }\n");
        if (N->size[L] == 1) EMIT("    best = a[0] > 0.5f; /* binary: P(label 1) */\n");
        EMIT("    return best;\n}\n\n");
    }
    EMIT("static inline int nn_predict(const float *in, float *out)\n{\n    float work[NN_WORKSPACE_FLOATS];\n"
         "    return nn_predict_work(in, out, work);\n}\n\n");
    if (M->tab.ncol) export_table(b, &M->tab);
    EMIT("#endif\n");
#undef EMIT
    if (c_prefix(b, eo->prefix)) b->oom = 1;
}

/* s as a JSON string into b (a byte that is not UTF-8 read as Latin-1). */
static void json_string(Buf *b, const char *s)
{
    char e[8];
    const unsigned char *p = (const unsigned char *)s, *end = p + strlen(s);
    buf_put(b, "\"", 1);
    for (; p < end; p++) {
        size_t n = utf8_len(p, end);
        if (*p == '"' || *p == '\\') e[0] = '\\', e[1] = (char)*p, buf_put(b, e, 2);
        else if (*p < 0x20 || *p == 0x7f || !n) snprintf(e, sizeof e, "\\u%04x", *p), buf_put(b, e, 6);
        else buf_put(b, p, n), p += n - 1;
    }
    buf_put(b, "\"", 1);
}

static void onnx_meta(Buf *m, const char *key, const char *value)
{
    Buf e = {NULL, 0, 0, 0};
    pb_str(&e, 1, key), pb_str(&e, 2, value);
    pb_msg(m, 14, &e);
}

/* A ValueInfoProto: a tensor of elem type t, shape (N, k) (k 0: (N)). */
static void onnx_value(Buf *g, int field, const char *name, int t, size_t k)
{
    Buf v = {NULL, 0, 0, 0}, ty = {NULL, 0, 0, 0}, tt = {NULL, 0, 0, 0}, sh = {NULL, 0, 0, 0}, d = {NULL, 0, 0, 0};
    pb_str(&d, 2, "N");
    pb_msg(&sh, 1, &d);
    if (k) pb_int(&d, 1, (int64_t)k), pb_msg(&sh, 1, &d);
    pb_int(&tt, 1, t), pb_msg(&tt, 2, &sh);
    pb_msg(&ty, 1, &tt);
    pb_str(&v, 1, name), pb_msg(&v, 2, &ty);
    pb_msg(g, field, &v);
}

/* The ONNX model (see its format notes above). */
static void export_onnx(Buf *b, const Net *N, const Meta *M, const ExportOpt *eo)
{
    Onnx g;
    Buf gr = {NULL, 0, 0, 0}, op = {NULL, 0, 0, 0}, js = {NULL, 0, 0, 0};
    const int L = N->nl - 1;
    const size_t K = N->size[L];
    char t[1200], spec[1024], mapped[32], outs[NN_MAX_MEMBERS][32];
    memset(&g, 0, sizeof g);
    snprintf(g.cur, sizeof g.cur, "input");
    if (M->in.div != 1.0f) {
        float r = 1.0f / M->in.div;
        onnx_const_op(&g, "Mul", &r, 1);
    }
    if (M->in.mean) onnx_const_op(&g, "Sub", M->in.mean, N->size[0]), onnx_const_op(&g, "Mul", M->in.rsd, N->size[0]);
    snprintf(mapped, sizeof mapped, "%s", g.cur);
    for (int e = 0; e < net_members(N); e++) {
    const Net V = net_member(N, e); /* an ensemble's members each from the mapped input, then their Mean */
    snprintf(g.cur, sizeof g.cur, "%s", mapped), g.nchw = 0;
    for (int l = 1; l <= L; l++) {
        const Layer *ly = &N->layer[l];
        const char *a = acts[ly->act].onnx;
        char id[24];
        if (N->members > 1) snprintf(id, sizeof id, "%d_%d", l, e);
        else snprintf(id, sizeof id, "%d", l);
        LK(N, l)->export_onnx(&g, ly, NET_W(&V, l), NET_B(&V, l), NET_S(&V, l), id);
        if ((LK(N, l)->flags & KIND_NO_ACT) || !a) continue;
        if (ly->act == ACT_SOFTMAX) onnx_layout(&g, ly, 0);
        if (ly->act == ACT_LEAKY) {
            OnnxAttr al = {"alpha", 1, LEAKY_SLOPE, {0}, 0};
            onnx_unary(&g, a, &al, 1);
        } else if (ly->act == ACT_SOFTMAX) {
            OnnxAttr ax = {"axis", 2, 0, {1}, 0};
            onnx_unary(&g, a, &ax, 1);
        } else {
            onnx_unary(&g, a, NULL, 0);
        }
    }
    onnx_layout(&g, &N->layer[L], 0);
    snprintf(outs[e], sizeof outs[e], "%s", g.cur);
    }
    if (N->members > 1) {
        const char *in[NN_MAX_MEMBERS];
        char out[32];
        for (int e = 0; e < N->members; e++) in[e] = outs[e];
        onnx_node(&g, "Mean", in, N->members, onnx_name(&g, out, sizeof out), NULL, 0);
    }
    if (N->task == TASK_REGRESS) {
        const char *in[1] = {g.cur};
        onnx_const_op(&g, "Mul", M->out.sd, K), onnx_const_op(&g, "Add", M->out.mean, K);
        in[0] = g.cur;
        onnx_node(&g, "Identity", in, 1, "values", NULL, 0);
    } else {
        const char *in[1] = {g.cur};
        onnx_node(&g, "Identity", in, 1, "probs", NULL, 0);
        if (K == 1) { /* P(label 1) > 0.5 */
            float half = 0.5f;
            int64_t flat = -1;
            OnnxAttr to = {"to", 2, 0, {7}, 0};
            onnx_const_op(&g, "Greater", &half, 1);
            onnx_unary(&g, "Cast", &to, 1);
            onnx_reshape(&g, &flat, 1);
        } else {
            OnnxAttr at[2] = {{"axis", 2, 0, {1}, 0}, {"keepdims", 2, 0, {0}, 0}};
            onnx_unary(&g, "ArgMax", at, 2); /* (ties: the first, as nn) */
        }
        in[0] = g.cur;
        onnx_node(&g, "Identity", in, 1, "label", NULL, 0);
    }
    /* the graph */
    buf_put(&gr, g.nodes.p, g.nodes.n);
    pb_str(&gr, 2, "nn");
    buf_put(&gr, g.inits.p, g.inits.n);
    if (g.nodes.oom || g.inits.oom) gr.oom = 1;
    free(g.nodes.p), free(g.inits.p);
    net_spec(N, spec, sizeof spec);
    if (M->tab.ncol)
        snprintf(t, sizeof t, "%.900s, trained by nn on a table; input: rows of %zu encoded features, as metadata input_features lists them "
                 "(a number column as it is, a missing value its fill; a category column one-hot, an unseen category all 0)", spec, N->size[0]);
    else
        snprintf(t, sizeof t, "%.900s, trained by nn; input: rows of %zu raw features as nn predict reads them%s", spec, N->size[0],
                 net_images(N) && N->shape[0][0] > 1 ? " (images pixel by pixel, a pixel's channels together)" : "");
    pb_str(&gr, 10, t);
    onnx_value(&gr, 11, "input", 1, N->size[0]);
    if (N->task == TASK_REGRESS) onnx_value(&gr, 12, "values", 1, K);
    else onnx_value(&gr, 12, "probs", 1, K), onnx_value(&gr, 12, "label", 7, 0);
    /* the model */
    pb_int(b, 1, 8); /* IR version 8 */
    pb_str(b, 2, "nn"), pb_str(b, 3, NN_VERSION);
    pb_str(b, 6, t);
    pb_msg(b, 7, &gr);
    pb_str(&op, 1, ""), pb_int(&op, 2, 13);
    pb_msg(b, 8, &op);
    onnx_meta(b, "layers", spec);
    if (N->members > 1) {
        char e[16];
        snprintf(e, sizeof e, "%d", N->members);
        onnx_meta(b, "ensemble_members", e);
    }
    onnx_meta(b, "task", N->task == TASK_REGRESS ? "regression" : "classification");
    onnx_meta(b, "source", eo->model);
    if (M->nnames) {
        buf_put(&js, "[", 1);
        for (uint32_t k = 0; k < M->nnames; k++) {
            if (k) buf_put(&js, ",", 1);
            json_string(&js, M->names[k]);
        }
        buf_put(&js, "]", 2); /* (with the NUL) */
        if (js.oom) b->oom = 1;
        else onnx_meta(b, "class_names", (const char *)js.p);
        free(js.p);
    }
    if (M->tab.ncol) { /* how a table's row becomes the inputs, one entry an input */
        Buf f = {NULL, 0, 0, 0};
        char num[48];
        int first = 1;
        buf_put(&f, "[", 1);
        for (uint32_t c = 0; c < M->tab.ncol; c++) {
            const Column *C = &M->tab.col[c];
            char cname[32];
            snprintf(cname, sizeof cname, "column %u", c + 1);
            for (uint32_t k = 0; k < (C->kind == COL_CATEGORY ? C->ncat : C->kind == COL_NUMBER ? 1u : 0u); k++, first = 0) {
                buf_put(&f, first ? "{\"column\":" : ",{\"column\":", first ? 10 : 11);
                json_string(&f, C->name ? C->name : cname);
                if (C->kind == COL_NUMBER) {
                    snprintf(num, sizeof num, ",\"fill\":%.9g}", (double)C->fill);
                    buf_put(&f, num, strlen(num));
                } else {
                    buf_put(&f, ",\"category\":", 12);
                    json_string(&f, C->cats[k]);
                    buf_put(&f, "}", 1);
                }
            }
        }
        buf_put(&f, "]", 2); /* (with the NUL) */
        if (f.oom) b->oom = 1;
        else onnx_meta(b, "input_features", (const char *)f.p);
        free(f.p);
    }
    snprintf(t, sizeof t, "%.9g", (double)M->in.div), onnx_meta(b, "input_divisor", t);
    onnx_meta(b, "standardized", M->in.mean ? "yes" : "no");
    snprintf(t, sizeof t, "%s", opt_names[M->optimizer ? M->optimizer : OPT_SGD]), onnx_meta(b, "optimizer", t);
    snprintf(t, sizeof t, "%.9g", (double)M->eta), onnx_meta(b, "eta", t);
    snprintf(t, sizeof t, "%u", M->batch), onnx_meta(b, "batch", t);
    snprintf(t, sizeof t, "%u", M->epochs_done), onnx_meta(b, "epochs", t);
    snprintf(t, sizeof t, "%.9g", (double)M->lambda), onnx_meta(b, "lambda", t);
    snprintf(t, sizeof t, "%.9g", (double)M->dropout), onnx_meta(b, "dropout", t);
    snprintf(t, sizeof t, "%llu", (unsigned long long)M->seed), onnx_meta(b, "seed", t);
    if (eo->test[0]) onnx_meta(b, "test", eo->test);
}

/* The formats nn export writes, a row each, with the rules cmd_export
 * applies to them: every output another file, a binary one never to a
 * terminal, an option of its own only with it. */
typedef struct {
    const char *opt, *arg; /* its option and the option's argument: --c FILE.h */
    const char *what;      /* "the C header", in messages */
    int binary;            /* not text: refused on a terminal */
    const char *own[3];    /* options that apply to this format alone (NULL-ended) */
    void (*write)(Buf *b, const Net *N, const Meta *M, const ExportOpt *eo);
    int folded;            /* writes the network with batch normalisation folded into the layers before it (net_fold) */
} Exporter;

static const Exporter exporters[] = {
    {"c", "FILE.h", "the C header", 0, {"int8", "prefix", NULL}, export_c, 1},
    {"onnx", "FILE.onnx", "the ONNX model", 1, {NULL}, export_onnx, 0},
    {NULL, NULL, NULL, 0, {NULL}, NULL, 0},
};

/* ======================================================================== */
/* @@http HTTP requests and JSON instances (nn serve's parsers)            */
/* ======================================================================== */

/* Format notes: an HTTP/1.1 request (RFC 9112) as nn serve reads it.
 *
 *   request-line = method SP request-target SP "HTTP/" DIGIT "." DIGIT CRLF
 *   *( field-name ":" OWS field-value OWS CRLF )
 *   CRLF
 *   [ body: exactly Content-Length bytes ]
 *
 * A bare LF ends a line as CRLF does; empty lines before a request line are
 * skipped.  Only Content-Length frames a body: Transfer-Encoding is
 * answered 411 (and with Content-Length beside it, 400: a request two
 * readers could frame differently).  A field line starting with white space
 * (obs-fold), white space before the colon, a control byte in a value, or
 * two Content-Lengths that differ are 400.  HTTP/1.x with x > 1 is read as
 * 1.1; any other major version is 505.  The connection is kept after the
 * answer for HTTP/1.1 unless "Connection: close", for HTTP/1.0 only with
 * "Connection: keep-alive".  A target in the absolute form
 * (http://host/path) is read as its path.  http_parse looks at bytes only:
 * it is a pure function of its buffer (tests/fuzz/fuzz_http.c). */
enum { HTTP_GET = 1, HTTP_HEAD, HTTP_POST, HTTP_OTHER };
typedef struct {
    int method;         /* HTTP_* */
    char mname[16];     /* the method as sent, cut to 15 bytes (for the access log) */
    size_t toff, tlen;  /* the request target: bytes [toff, toff + tlen) of the buffer */
    int minor;          /* HTTP/1.minor (0 or 1) */
    int keep;           /* the connection stays open after the answer */
    int expect;         /* "Expect: 100-continue" */
    size_t head;        /* bytes of the request line and fields, the blank line included */
    size_t body;        /* Content-Length (0 without one) */
    int status;         /* http_parse's -1: the status to answer (400, 411, 413, 417, 431, 505) */
    const char *why;    /* ...and why */
} HttpReq;

static int http_tchar(int c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c && strchr("!#$%&'*+-.^_`|~", c));
}

/* -1 with the status and reason of a bad request. */
static int http_bad(HttpReq *r, int status, const char *why)
{
    r->status = status, r->why = why;
    return -1;
}

/* Whether the comma-separated list [v, e) holds the token t (any case). */
static int http_has_token(const char *v, const char *e, const char *t)
{
    size_t n = strlen(t);
    while (v < e) {
        const char *q = v;
        while (q < e && *q != ',') q++;
        const char *a = v, *b = q;
        while (a < b && (*a == ' ' || *a == '\t')) a++;
        while (b > a && (b[-1] == ' ' || b[-1] == '\t')) b--;
        if ((size_t)(b - a) == n && !strncasecmp(a, t, n)) return 1;
        v = q + (q < e);
    }
    return 0;
}

/* Read the request at the start of p[0..n): 1 when its request line and
 * fields are all there (r filled: the whole request is r->head + r->body
 * bytes), 0 when more bytes are needed, -1 for a bad request (r->status,
 * r->why).  A head longer than max_head is 431, a body longer than
 * max_body 413, decided before the body arrives. */
static int http_parse(const uint8_t *p, size_t n, size_t max_head, size_t max_body, HttpReq *r)
{
    const char *s = (const char *)p, *e, *q, *le;
    size_t skip = 0, cl = 0;
    int have_cl = 0, te = 0, conn_close = 0, conn_keep = 0;
    memset(r, 0, sizeof *r);
    while (skip < n && (s[skip] == '\r' || s[skip] == '\n') && skip < max_head) skip++;
    { /* the blank line that ends the head */
        size_t lim = n < max_head ? n : max_head, i;
        for (i = skip; i < lim; i++)
            if (s[i] == '\n' && ((i >= 1 && s[i - 1] == '\n') || (i >= 2 && s[i - 1] == '\r' && s[i - 2] == '\n'))) break;
        if (i == lim) return n >= max_head ? http_bad(r, 431, "the request line and header fields are too long") : 0;
        r->head = i + 1, e = s + i + 1;
    }
    s += skip;
    /* request-line */
    for (q = s; q < e && http_tchar((unsigned char)*q); q++) {}
    if (q == s || q >= e || *q != ' ') return http_bad(r, 400, "a malformed request line");
    snprintf(r->mname, sizeof r->mname, "%.*s", (int)(q - s < 15 ? q - s : 15), s);
    r->method = q - s == 3 && !memcmp(s, "GET", 3) ? HTTP_GET : q - s == 4 && !memcmp(s, "HEAD", 4) ? HTTP_HEAD
              : q - s == 4 && !memcmp(s, "POST", 4) ? HTTP_POST : HTTP_OTHER;
    s = ++q;
    while (q < e && (unsigned char)*q > ' ' && *q != 0x7f) q++;
    if (q == s || q >= e || *q != ' ') return http_bad(r, 400, "a malformed request target");
    r->toff = (size_t)(s - (const char *)p), r->tlen = (size_t)(q - s);
    if (r->tlen > 7 && (!strncasecmp(s, "http://", 7) || (r->tlen > 8 && !strncasecmp(s, "https://", 8)))) { /* the absolute form: its path */
        const char *a = s + (s[4] == ':' ? 7 : 8), *sl = memchr(a, '/', (size_t)(q - a));
        r->toff += (size_t)((sl ? sl : q) - s), r->tlen = sl ? (size_t)(q - sl) : 0; /* (no path: none served) */
    }
    s = ++q;
    for (le = s; le < e && *le != '\n'; le++) {}
    q = le > s && le[-1] == '\r' ? le - 1 : le;
    if (q - s != 8 || memcmp(s, "HTTP/", 5) || s[5] < '0' || s[5] > '9' || s[6] != '.' || s[7] < '0' || s[7] > '9')
        return http_bad(r, 400, "a malformed HTTP version in the request line");
    if (s[5] != '1') return http_bad(r, 505, "only HTTP/1.0 and HTTP/1.1 are served");
    r->minor = s[7] == '0' ? 0 : 1;
    /* header fields */
    for (s = le + 1; s < e;) {
        const char *name = s, *v, *ve;
        for (le = s; le < e && *le != '\n'; le++) {}
        ve = le > s && le[-1] == '\r' ? le - 1 : le;
        if (ve == s) break; /* the blank line */
        if (*s == ' ' || *s == '\t') return http_bad(r, 400, "a folded header line (obs-fold)");
        for (q = s; q < ve && http_tchar((unsigned char)*q); q++) {}
        if (q == s || q >= ve || *q != ':') return http_bad(r, 400, "a malformed header field");
        size_t nl = (size_t)(q - name);
        for (v = q + 1; v < ve && (*v == ' ' || *v == '\t'); v++) {}
        while (ve > v && (ve[-1] == ' ' || ve[-1] == '\t')) ve--;
        for (q = v; q < ve; q++)
            if (((unsigned char)*q < ' ' && *q != '\t') || *q == 0x7f) return http_bad(r, 400, "a control character in a header field");
        if (nl == 14 && !strncasecmp(name, "content-length", 14)) {
            size_t k = 0;
            if (v == ve) return http_bad(r, 400, "an empty Content-Length");
            for (q = v; q < ve; q++) {
                if (*q < '0' || *q > '9') return http_bad(r, 400, "Content-Length is not a number");
                if (k > (SIZE_MAX - 9) / 10) k = SIZE_MAX; /* (too large: 413 below) */
                else k = k * 10 + (size_t)(*q - '0');
            }
            if (have_cl && k != cl) return http_bad(r, 400, "two different Content-Lengths");
            cl = k, have_cl = 1;
        } else if (nl == 17 && !strncasecmp(name, "transfer-encoding", 17)) {
            te = 1;
        } else if (nl == 10 && !strncasecmp(name, "connection", 10)) {
            conn_close |= http_has_token(v, ve, "close"), conn_keep |= http_has_token(v, ve, "keep-alive");
        } else if (nl == 6 && !strncasecmp(name, "expect", 6)) {
            if ((size_t)(ve - v) != 12 || strncasecmp(v, "100-continue", 12)) return http_bad(r, 417, "the only expectation met is 100-continue");
            r->expect = 1;
        }
        s = le + 1;
    }
    if (te && have_cl) return http_bad(r, 400, "both Transfer-Encoding and Content-Length");
    if (te) return http_bad(r, 411, "a body with Transfer-Encoding is not read: send it with Content-Length");
    if (r->method == HTTP_POST && !have_cl) return http_bad(r, 411, "a POST needs Content-Length");
    if (cl > max_body) return r->body = cl, http_bad(r, 413, "the body is larger than --max-body"); /* (r->body: its size, for the message) */
    r->body = cl;
    r->keep = !conn_close && (r->minor >= 1 || conn_keep);
    return 1;
}

/* Format notes: the JSON of a prediction request (RFC 8259), in the TF
 * Serving and KServe v1 convention:
 *
 *   {"instances": [INSTANCE, ...]}      (other members are read and ignored)
 *   INSTANCE = [VALUE, ...]             inputs in order; nested arrays are
 *                                       flattened in C order (an image as
 *                                       rows of pixels)
 *            | {"NAME": VALUE, ...}     a table model's inputs by column name
 *   VALUE    = number | string | null | true | false
 *
 * The instances become CSV text, one line each, read by predict's own
 * reader, so that serve and predict answer a row alike: a number is copied
 * as written, a string is quoted when CSV needs it, null is an empty
 * (missing) field; objects get a header line, the names of every instance's
 * members in the order first seen, and a member an instance lacks is an
 * empty field.  For a model without a table, arrays of numbers only, each
 * as wide as the model's input, skip the text: each number becomes the
 * float predict's reader makes of it (the same scanner), and
 * predict_numbers answers them (anything else is read as text, for
 * predict's answer or message: tests/fuzz/fuzz_http.c holds the two ways
 * to the same answers and errors).  Nesting deeper than NN_JSON_DEPTH, a string with a line
 * break or a NUL, bytes that are not UTF-8, and anything after the object
 * are errors. */
#define NN_JSON_DEPTH 32
typedef struct {
    const char *p, *s, *e; /* the cursor in [s, e) */
    char *why;             /* the message of an error (whylen bytes) */
    size_t whylen;
    Buf *xs;    /* numbers read as floats here, not as CSV text (instances_read's d) */
    int astext; /* ...and set (the read stopped) where the instances need the text */
} Js;

/* -1 with a message (the byte offset is added). */
#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static int js_fail(Js *j, const char *fmt, ...)
{
    va_list ap;
    size_t n;
    va_start(ap, fmt);
    vsnprintf(j->why, j->whylen, fmt, ap);
    va_end(ap);
    n = strlen(j->why);
    snprintf(j->why + n, j->whylen - n, " (at byte %zu of the body)", (size_t)(j->p - j->s));
    return -1;
}

static void js_ws(Js *j)
{
    while (j->p < j->e && (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r')) j->p++;
}

/* The four hex digits at p, or -1. */
static long js_hex4(const char *p, const char *e)
{
    long v = 0;
    if (e - p < 4) return -1;
    for (int i = 0; i < 4; i++) {
        int c = p[i], d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
        if (d < 0) return -1;
        v = v * 16 + d;
    }
    return v;
}

/* A string at the cursor (on its '"'), its text unescaped into out (UTF-8;
 * out NULL: checked only). */
static int js_string(Js *j, Buf *out)
{
    j->p++;
    for (;;) {
        const char *b = j->p;
        while (j->p < j->e && *j->p != '"' && *j->p != '\\' && (unsigned char)*j->p >= 0x20 && (unsigned char)*j->p < 0x80) j->p++;
        if (out) buf_put(out, b, (size_t)(j->p - b));
        if (j->p >= j->e) return js_fail(j, "a string is not closed");
        unsigned char c = (unsigned char)*j->p;
        if (c == '"') {
            j->p++;
            return 0;
        }
        if (c < 0x20) return js_fail(j, "a control character in a string (write it as \\u%04x)", c);
        if (c >= 0x80) {
            size_t l = utf8_len((const unsigned char *)j->p, (const unsigned char *)j->e);
            if (!l) return js_fail(j, "a string is not UTF-8");
            if (out) buf_put(out, j->p, l);
            j->p += l;
            continue;
        }
        /* an escape */
        if (j->e - j->p < 2) return js_fail(j, "a string is not closed");
        c = (unsigned char)j->p[1];
        j->p += 2;
        if (c == 'u') {
            long u = js_hex4(j->p, j->e), lo;
            uint8_t t[4];
            size_t k;
            if (u < 0) return js_fail(j, "\\u needs four hex digits");
            j->p += 4;
            if (u >= 0xD800 && u <= 0xDBFF) { /* a surrogate pair */
                if (j->e - j->p < 6 || j->p[0] != '\\' || j->p[1] != 'u' || (lo = js_hex4(j->p + 2, j->e)) < 0xDC00 || lo > 0xDFFF)
                    return js_fail(j, "a lone surrogate \\u%04lx", u);
                u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00), j->p += 6;
            } else if (u >= 0xDC00 && u <= 0xDFFF) {
                return js_fail(j, "a lone surrogate \\u%04lx", u);
            }
            if (u == 0) return js_fail(j, "a NUL character (\\u0000) in a string");
            if (u < 0x80) t[0] = (uint8_t)u, k = 1;
            else if (u < 0x800) t[0] = (uint8_t)(0xC0 | u >> 6), t[1] = (uint8_t)(0x80 | (u & 63)), k = 2;
            else if (u < 0x10000) t[0] = (uint8_t)(0xE0 | u >> 12), t[1] = (uint8_t)(0x80 | (u >> 6 & 63)), t[2] = (uint8_t)(0x80 | (u & 63)), k = 3;
            else t[0] = (uint8_t)(0xF0 | u >> 18), t[1] = (uint8_t)(0x80 | (u >> 12 & 63)), t[2] = (uint8_t)(0x80 | (u >> 6 & 63)), t[3] = (uint8_t)(0x80 | (u & 63)), k = 4;
            if (out) buf_put(out, t, k);
            continue;
        }
        {
            static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
            const char *w = c ? strchr(from, c) : NULL;
            if (!w) return js_fail(j, "an unknown escape \\%c in a string", c >= 0x20 && c < 0x7f ? c : '?');
            if (out) buf_put(out, &to[w - from], 1);
        }
    }
}

/* A number at the cursor, as RFC 8259 writes one (no NaN, no Infinity, no
 * leading zeros or '+'); *b and the cursor delimit it. */
static int js_number(Js *j, const char **b)
{
    const char *p = j->p, *e = j->e;
    *b = p;
    if (p < e && *p == '-') p++;
    if (p < e && *p == '0') {
        if (++p < e && *p >= '0' && *p <= '9') return js_fail(j, "a number with a leading zero (JSON writes none: 7, not 07)");
    } else if (p < e && *p >= '1' && *p <= '9') {
        while (p < e && *p >= '0' && *p <= '9') p++;
    } else if (p < e && (*p == '+' || *p == '.')) {
        return js_fail(j, "a number starting with '%c' (JSON writes %s)", *p, *p == '+' ? "no '+': 7, not +7" : "a digit first: 0.5, not .5");
    } else {
        return js_fail(j, "not a JSON value (NaN and Infinity are not JSON: send null for a missing value)");
    }
    if (p < e && *p == '.') {
        if (++p >= e || *p < '0' || *p > '9') return js_fail(j, "a number with no digit after its point");
        while (p < e && *p >= '0' && *p <= '9') p++;
    }
    if (p < e && (*p == 'e' || *p == 'E')) {
        p++;
        if (p < e && (*p == '+' || *p == '-')) p++;
        if (p >= e || *p < '0' || *p > '9') return js_fail(j, "a number with no digit in its exponent");
        while (p < e && *p >= '0' && *p <= '9') p++;
    }
    j->p = p;
    return 0;
}

/* Any value at the cursor, checked and skipped. */
static int js_skip(Js *j, int depth)
{
    const char *b;
    js_ws(j);
    if (j->p >= j->e) return js_fail(j, "the JSON ends early");
    if (depth > NN_JSON_DEPTH) return js_fail(j, "nested deeper than %d", NN_JSON_DEPTH);
    switch (*j->p) {
    case '"': return js_string(j, NULL);
    case '[':
    case '{': {
        char close = *j->p == '[' ? ']' : '}';
        j->p++, js_ws(j);
        if (j->p < j->e && *j->p == close) return j->p++, 0;
        for (;;) {
            if (close == '}') {
                js_ws(j);
                if (j->p >= j->e || *j->p != '"') return js_fail(j, "expected a member's name in quotes");
                if (js_string(j, NULL)) return -1;
                js_ws(j);
                if (j->p >= j->e || *j->p != ':') return js_fail(j, "expected ':' after a member's name");
                j->p++;
            }
            if (js_skip(j, depth + 1)) return -1;
            js_ws(j);
            if (j->p < j->e && *j->p == ',') {
                j->p++;
                continue;
            }
            if (j->p < j->e && *j->p == close) return j->p++, 0;
            return js_fail(j, "expected ',' or '%c'", close);
        }
    }
    case 't': case 'f': case 'n': {
        const char *w = *j->p == 't' ? "true" : *j->p == 'f' ? "false" : "null";
        size_t l = strlen(w);
        if ((size_t)(j->e - j->p) < l || memcmp(j->p, w, l)) return js_fail(j, "not a JSON value");
        j->p += l;
        return 0;
    }
    default: return js_number(j, &b);
    }
}

/* Text t (n bytes) as a CSV field into out: quoted when it is empty, holds
 * a comma or quote, starts with '#', or starts or ends with a space or tab
 * (which an unquoted field loses: a JSON string is kept as sent). */
static void csv_put_field(Buf *out, const char *t, size_t n)
{
    if (n && !memchr(t, ',', n) && !memchr(t, '"', n) && t[0] != '#' && t[0] != ' ' && t[n - 1] != ' ' && t[0] != '\t' && t[n - 1] != '\t') {
        buf_put(out, t, n);
        return;
    }
    buf_put(out, "\"", 1);
    for (size_t i = 0; i < n; i++) buf_put(out, t[i] == '"' ? "\"\"" : t + i, t[i] == '"' ? 2 : 1);
    buf_put(out, "\"", 1);
}

/* One scalar at the cursor as a CSV field into out (tmp: scratch). */
static int js_field(Js *j, Buf *out, Buf *tmp)
{
    const char *b;
    js_ws(j);
    if (j->p >= j->e) return js_fail(j, "the JSON ends early");
    if (j->xs && *j->p != '[' && *j->p != '{' && *j->p != '-' && (*j->p < '0' || *j->p > '9'))
        return j->astext = 1, -1; /* (a string, null, true or false: predict reads the text) */
    if (*j->p == '"') {
        tmp->n = 0;
        if (js_string(j, tmp)) return -1;
        if (tmp->n && (memchr(tmp->p, '\n', tmp->n) || memchr(tmp->p, '\r', tmp->n))) return js_fail(j, "a value with a line break");
        csv_put_field(out, tmp->n ? (const char *)tmp->p : "", tmp->n);
        return 0;
    }
    if (*j->p == 'n' || *j->p == 't' || *j->p == 'f') {
        b = j->p;
        if (js_skip(j, 0)) return -1;
        if (*b == 'n') buf_put(out, "\"\"", 2); /* null: a missing value */
        else buf_put(out, b, (size_t)(j->p - b));
        return 0;
    }
    if (*j->p == '[' || *j->p == '{') return js_fail(j, "expected a number, a string or null");
    if (js_number(j, &b)) return -1;
    if (j->xs) { /* the float csv_row makes of the same text (one too large for a float: its message is predict's) */
        double v;
        float fv;
        const char *t = b;
        if (scan_number(&t, j->p, &v) || t != j->p || !isfinite(fv = (float)v)) return j->astext = 1, -1;
        buf_put(j->xs, &fv, sizeof fv);
        return 0;
    }
    buf_put(out, b, (size_t)(j->p - b));
    return 0;
}

/* The values of an array instance (nested arrays flattened) as fields. */
static int js_row(Js *j, Buf *out, Buf *tmp, size_t *nf, int depth, size_t *dims)
{
    size_t n = 0;
    int sub = -1; /* the elements: arrays (1) or values (0) */
    if (depth > NN_JSON_DEPTH) return js_fail(j, "nested deeper than %d", NN_JSON_DEPTH);
    j->p++, js_ws(j);
    if (j->p < j->e && *j->p == ']') j->p++;
    else for (;;) {
        int a;
        js_ws(j);
        a = j->p < j->e && *j->p == '[';
        if (sub >= 0 && a != sub) return js_fail(j, "an instance's array mixes arrays and values (an instance is an array of inputs, or a rectangular nested one)");
        sub = a, n++;
        if (a) {
            if (js_row(j, out, tmp, nf, depth + 1, dims)) return -1;
        } else {
            if ((*nf)++ && !j->xs) buf_put(out, ",", 1);
            if (js_field(j, out, tmp)) return -1;
        }
        js_ws(j);
        if (j->p < j->e && *j->p == ',') {
            j->p++;
            continue;
        }
        if (j->p < j->e && *j->p == ']') {
            j->p++;
            break;
        }
        return js_fail(j, "expected ',' or ']' in an instance");
    }
    if (dims[depth] && dims[depth] != n + 1) /* (n + 1: 0 is not yet seen) */
        return js_fail(j, "an instance's nested arrays differ in length (%zu and %zu): not a rectangular array", dims[depth] - 1, n);
    dims[depth] = n + 1;
    return 0;
}

/* The column names of object instances: names in order first seen, and
 * a hash of them (open addressing, indices + 1, 0 empty). */
typedef struct {
    Buf text;      /* the names, each NUL-terminated */
    size_t *off;   /* (n) where each starts in text */
    size_t n, cap;
    uint32_t *slot; /* (nslot) */
    size_t nslot;
} JsCols;

static uint32_t js_hash(const char *s, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++) h = (h ^ (uint8_t)s[i]) * 16777619u;
    return h;
}

/* The column of name s (n bytes), added when new (add); -1 when absent,
 * -2 out of memory. */
static long js_col(JsCols *c, const char *s, size_t n, int add)
{
    size_t i;
    if (c->nslot < 2 * (c->n + 1)) { /* grow the table and rehash */
        size_t ns = c->nslot ? c->nslot * 2 : 64;
        uint32_t *t = calloc(ns, sizeof *t);
        if (!t) return -2;
        for (size_t k = 0; k < c->n; k++) {
            const char *nm = (const char *)c->text.p + c->off[k];
            for (i = js_hash(nm, strlen(nm)) & (ns - 1); t[i]; i = (i + 1) & (ns - 1)) {}
            t[i] = (uint32_t)k + 1;
        }
        free(c->slot), c->slot = t, c->nslot = ns;
    }
    for (i = js_hash(s, n) & (c->nslot - 1); c->slot[i]; i = (i + 1) & (c->nslot - 1)) {
        const char *nm = (const char *)c->text.p + c->off[c->slot[i] - 1];
        if (strlen(nm) == n && !memcmp(nm, s, n)) return (long)c->slot[i] - 1;
    }
    if (!add) return -1;
    if (c->n == c->cap) {
        size_t nc = c->cap ? c->cap * 2 : 64, *o = realloc(c->off, nc * sizeof *o);
        if (!o) return -2;
        c->off = o, c->cap = nc;
    }
    c->off[c->n] = c->text.n;
    buf_put(&c->text, s, n), buf_put(&c->text, "", 1);
    if (c->text.oom) return -2;
    c->slot[i] = (uint32_t)++c->n;
    return (long)c->n - 1;
}

/* An object instance at the cursor: with row NULL its names join cols;
 * else its values as a CSV line into row, in cols' order (fields: scratch
 * of cols->n spans into vals). */
static int js_object(Js *j, JsCols *cols, Buf *row, Buf *vals, size_t *span, Buf *tmp, size_t no, size_t nkeep)
{
    if (row) {
        vals->n = 0;
        for (size_t k = 0; k < cols->n; k++) span[2 * k] = SIZE_MAX;
    }
    j->p++, js_ws(j);
    if (j->p < j->e && *j->p == '}') j->p++;
    else for (;;) {
        long c;
        js_ws(j);
        if (j->p >= j->e || *j->p != '"') return js_fail(j, "expected a column's name in quotes");
        tmp->n = 0;
        if (js_string(j, tmp)) return -1;
        buf_put(tmp, "", 1), tmp->n--; /* (NUL-terminated, for messages) */
        if (tmp->oom) return js_fail(j, "out of memory");
        if (memchr(tmp->p, '\n', tmp->n) || memchr(tmp->p, '\r', tmp->n)) return js_fail(j, "a column name with a line break");
        if ((c = js_col(cols, (const char *)tmp->p, tmp->n, !row)) == -2) return js_fail(j, "out of memory");
        if (c < 0) return js_fail(j, "column '%.100s' unknown", (const char *)tmp->p);
        if (cols->n > NN_MAX_WIDTH) return js_fail(j, "more than %d column names", NN_MAX_WIDTH);
        js_ws(j);
        if (j->p >= j->e || *j->p != ':') return js_fail(j, "expected ':' after a column's name");
        j->p++;
        if (!row) {
            js_ws(j);
            if (j->p < j->e && (*j->p == '[' || *j->p == '{')) return js_fail(j, "column '%.100s': expected a number, a string or null", (const char *)tmp->p);
            if (js_skip(j, 0)) return -1;
        } else {
            size_t at = vals->n;
            if (span[2 * c] != SIZE_MAX) return js_fail(j, "column '%.100s' twice in one instance", (const char *)cols->text.p + cols->off[c]);
            if (js_field(j, vals, tmp)) return -1;
            span[2 * c] = at, span[2 * c + 1] = vals->n - at;
        }
        js_ws(j);
        if (j->p < j->e && *j->p == ',') {
            j->p++;
            continue;
        }
        if (j->p < j->e && *j->p == '}') {
            j->p++;
            break;
        }
        return js_fail(j, "expected ',' or '}' in an instance");
    }
    if (row) {
        for (size_t k = 0; k < cols->n; k++) {
            if (k) buf_put(row, ",", 1);
            if (span[2 * k] == SIZE_MAX) /* absent: an error (a missing value is null) */
                return js_fail(j, "instance %zu has no member '%.100s' (%s)", no, (const char *)cols->text.p + cols->off[k],
                               k < nkeep ? "--keep names it" : "another instance has it; send null for a missing value");
            buf_put(row, vals->p + span[2 * k], span[2 * k + 1]);
        }
        buf_put(row, "\n", 1);
    }
    return 0;
}

/* The instances at the cursor (on the '[' of "instances"), read: arrays
 * as CSV lines into csv (or with j->xs, as d floats each), objects' column
 * names into cols (their lines come in a second pass); *kind 1 arrays, 2
 * objects. */
static int instances_read(Js *j, size_t max_rows, size_t d, Buf *csv, Buf *tmp, JsCols *cols, size_t *nrow, int *kind)
{
    j->p++, js_ws(j);
    if (j->p < j->e && *j->p == ']') return j->p++, 0;
    for (;;) {
        size_t nf = 0;
        int k;
        js_ws(j);
        k = j->p >= j->e ? 0 : *j->p == '[' ? 1 : *j->p == '{' ? 2 : 0;
        if (!k) return js_fail(j, j->p >= j->e ? "the JSON ends early" : "instance %zu: expected an array of inputs or an object by column name", *nrow);
        if (*kind && k != *kind) return js_fail(j, "instance %zu: the instances mix arrays and objects", *nrow);
        *kind = k;
        if (++*nrow > max_rows) {
            snprintf(j->why, j->whylen, "more than %zu instances in one request (--max-rows)", max_rows);
            return -2;
        }
        if (k == 1) {
            size_t dims[NN_JSON_DEPTH + 2] = {0};
            const char *at = j->p;
            if (js_row(j, csv, tmp, &nf, 0, dims)) return -1;
            if (!nf) return js_fail(j, "instance %zu is empty", *nrow - 1);
            if (j->xs && (nf != d || j->p - at > NN_MAX_LINE)) return j->astext = 1, -1; /* (predict's message) */
            if (!j->xs) buf_put(csv, "\n", 1);
        } else if (j->xs) {
            return j->astext = 1, -1;
        } else if (js_object(j, cols, NULL, NULL, NULL, tmp, *nrow - 1, 0)) {
            return -1;
        }
        js_ws(j);
        if (j->p < j->e && *j->p == ',') {
            j->p++;
            continue;
        }
        if (j->p < j->e && *j->p == ']') return j->p++, 0;
        return js_fail(j, "expected ',' or ']' after an instance");
    }
}

/* The instances of a request body b[0..n) as CSV text into *csv (each line
 * ending '\n'; malloc'd, the caller frees it): *rows instances, *objects
 * set when they are objects by column name (the first line is then a
 * header).  More than max_rows instances: -2; a malformed body: -1; both
 * with a message in why (whylen bytes).  Objects must have the same
 * members (a missing value is null), keep's among them (a list separated
 * by commas, or NULL).  The body is read once where it stands (objects:
 * their names, then their values).
 *
 * With d > 0, arrays of numbers are read straight into floats instead, d
 * a row (*csv holds rows * d floats), each the float csv_row makes of the
 * number's text: what predict would read from the CSV lines, without
 * writing and reading them.  Instances that need the text (objects, a
 * string, null, true or false, a row of another width, a value beyond a
 * float) stop it with 1: read them again with d = 0, for predict's answer
 * or message.  Its other results are instances_csv's. */
static int instances_parse(const char *b, size_t n, size_t max_rows, const char *keep, size_t d, Buf *csv, size_t *rows, int *objects, char *why, size_t whylen)
{
    Js j = {b, b, b + n, why, whylen, NULL, 0};
    Buf tmp = {NULL, 0, 0, 0}, vals = {NULL, 0, 0, 0};
    JsCols cols;
    size_t *span = NULL, nrow = 0, nkeep = 0;
    const char *inst = NULL;
    int rc = -1, kind = 0; /* kind: 1 arrays, 2 objects */
    memset(csv, 0, sizeof *csv), memset(&cols, 0, sizeof cols);
    *rows = 0, *objects = 0, why[0] = 0;
    if (d) j.xs = csv;
    for (const char *k = keep, *ke; k && *k; k = *ke ? ke + 1 : ke) {
        ke = k + strcspn(k, ",");
        if (js_col(&cols, k, (size_t)(ke - k), 1) < 0) {
            snprintf(why, whylen, "out of memory");
            goto out;
        }
    }
    nkeep = cols.n;
    js_ws(&j);
    if (j.p >= j.e) {
        snprintf(why, whylen, "an empty body: expected {\"instances\": [...]}");
        goto out;
    }
    if (*j.p != '{') {
        js_fail(&j, "expected an object {\"instances\": [...]}");
        goto out;
    }
    j.p++, js_ws(&j);
    if (j.p < j.e && *j.p == '}') j.p++;
    else for (;;) { /* the members: "instances" read, the others checked */
        js_ws(&j);
        if (j.p >= j.e || *j.p != '"') {
            js_fail(&j, "expected a member's name in quotes");
            goto out;
        }
        tmp.n = 0;
        if (js_string(&j, &tmp)) goto out;
        js_ws(&j);
        if (j.p >= j.e || *j.p != ':') {
            js_fail(&j, "expected ':' after a member's name");
            goto out;
        }
        j.p++, js_ws(&j);
        if (tmp.n == 9 && !memcmp(tmp.p, "instances", 9)) {
            if (inst) {
                js_fail(&j, "\"instances\" twice");
                goto out;
            }
            if (j.p >= j.e || *j.p != '[') {
                js_fail(&j, "\"instances\" must be an array");
                goto out;
            }
            inst = j.p;
            if ((rc = instances_read(&j, max_rows, d, csv, &tmp, &cols, &nrow, &kind))) goto out;
            rc = -1;
        } else if (js_skip(&j, 0)) {
            goto out;
        }
        js_ws(&j);
        if (j.p < j.e && *j.p == ',') {
            j.p++;
            continue;
        }
        if (j.p < j.e && *j.p == '}') {
            j.p++;
            break;
        }
        js_fail(&j, "expected ',' or '}'");
        goto out;
    }
    js_ws(&j);
    if (j.p < j.e) {
        js_fail(&j, "more after the JSON object");
        goto out;
    }
    if (!inst) {
        snprintf(why, whylen, "no \"instances\" member: expected {\"instances\": [...]}");
        goto out;
    }
    if (kind == 2) { /* objects: the header line, then each instance's values in its columns */
        if (!cols.n) {
            snprintf(why, whylen, "the instances are objects with no columns");
            goto out;
        }
        for (size_t k = 0; k < cols.n; k++) {
            const char *nm = (const char *)cols.text.p + cols.off[k];
            if (k) buf_put(csv, ",", 1);
            csv_put_field(csv, nm, strlen(nm));
        }
        buf_put(csv, "\n", 1);
        if (!(span = calloc(2 * cols.n, sizeof *span))) {
            snprintf(why, whylen, "out of memory");
            goto out;
        }
        j.p = inst + 1;
        for (size_t i = 0; i < nrow; i++) { /* (read once already: well formed) */
            js_ws(&j);
            if (js_object(&j, &cols, csv, &vals, span, &tmp, i, nkeep)) goto out;
            js_ws(&j);
            j.p++; /* (',' or ']') */
        }
    }
    if (csv->oom || cols.text.oom || tmp.oom || vals.oom) {
        snprintf(why, whylen, "out of memory");
        goto out;
    }
    *rows = nrow, *objects = kind == 2, rc = 0;
out:
    free(tmp.p), free(vals.p), free(span), free(cols.text.p), free(cols.off), free(cols.slot);
    if (j.astext) rc = 1, why[0] = 0;
    if (rc) free(csv->p), memset(csv, 0, sizeof *csv);
    return rc;
}

/* The instances as CSV text for predict's reader (instances_parse). */
static int instances_csv(const char *b, size_t n, size_t max_rows, const char *keep, Buf *csv, size_t *rows, int *objects, char *why, size_t whylen)
{
    return instances_parse(b, n, max_rows, keep, 0, csv, rows, objects, why, whylen);
}

/* ======================================================================== */
/* @@cli command line: options and help                                    */
/* ======================================================================== */

#ifndef NN_NO_MAIN

static int has_suffix(const char *name, const char *suffix);
typedef struct Page Page; /* nn train --report's page (@@page) */
static Page *page_new(const char *path, const char *model, const char *train, size_t rows, int test);
static void page_free(Page *P);
static int page_watch(void *ctx, const Net *N, const Meta *M, const EpochFig *f, Err *err);

/* An option a command accepts: --name ARG (arg NULL: a flag). */
typedef struct {
    const char *name, *arg, *def, *help;
} OptSpec;

#define OPT_END {NULL, NULL, NULL, NULL}
/* Options several commands share. */
#define OPT_SEP                                                                                                        \
    {"sep", "auto|,|;|tab|space", "auto",                                                                              \
     "CSV field separator (auto: the most frequent of , ; tab on the first line, a tie of , and ; going to ;, else "   \
     "runs of spaces)"}
#define OPT_DECIMAL                                                                                                    \
    {"decimal", "auto|.|,", "auto",                                                                                    \
     "the decimal mark of CSV numbers (auto: a point, or a comma when ';' separates the fields and the numbers have "  \
     "decimal commas, as R's write.csv2 and Excel write them, said on stderr)"}
#define OPT_THREADS {"threads", "N", "all CPUs", "worker threads"}
#define OPT_THRESHOLD                                                                                                  \
    {"threshold", "P", "off: the larger output", "two-class models: the second class (class 1, the second name in nn info) when "  \
     "its probability is at least P (0 to 1), else the first"}

static const OptSpec train_opts[] = {
    {"layers", "SPEC", "IN-30-OUT", "layers from input to output, e.g. 784-30-10, 784-100relu-10softmax or 1x28x28-20c5-mp2-40c5-mp2-100-10 "
                                      "(the kinds of layer are listed below)"},
    {"hidden", "ACT", "sigmoid (convolutional networks: relu)", "activation of hidden layers, dense or convolutions, not named in SPEC: sigmoid, tanh, relu, leaky"},
    {"output", "ACT", "sigmoid (convolutional networks: softmax)", "activation of the output layer if not named in SPEC: sigmoid, tanh, linear, softmax"},
    {"cost", "quadratic|cross-entropy|log-likelihood", "log-likelihood with softmax, else quadratic", "the cost: cross-entropy for a sigmoid output, log-likelihood for softmax"},
    {"init", "NAME", "normal when every layer is sigmoid (the textbook), else he for relu and leaky layers and scaled for the others", "normal N(0,1), scaled N(0,1/n_in) or he N(0,2/n_in) weights"},
    {"eta", "RATE", "3.0 (sgd), 0.1 (momentum, nesterov), 0.001 (adam)", "learning rate"},
    {"epochs", "N", "30", "passes over the training data"},
    {"batch", "N", "10", "mini-batch size"},
    {"optimizer", "sgd|momentum|nesterov|adam", "sgd", "the update rule: plain SGD, momentum, Nesterov momentum, or Adam"},
    {"momentum", "MU", "0.9", "momentum coefficient (momentum, nesterov; implies momentum with sgd)"},
    {"beta1", "B", "0.9", "Adam's first-moment decay"},
    {"beta2", "B", "0.999", "Adam's second-moment decay"},
    {"epsilon", "E", "1e-8", "Adam's epsilon"},
    {"schedule", "constant|step|exp|cosine", "constant", "the learning rate over the epochs"},
    {"gamma", "G", "0.1 (exp: 0.95)", "decay factor of the step and exp schedules"},
    {"step", "N", "10", "epochs between decays of the step schedule"},
    {"lambda", "L", "0", "L2 regularisation: each step adds (lambda/n) w to the gradient, n = training rows"},
    {"dropout", "P", "0", "drop each hidden neuron with probability P while training (inverted dropout; dense layers only)"},
    {"bn-momentum", "M", "0.1", "batch normalisation (bn in --layers): the weight of each mini-batch's mean and variance in the running averages that inference uses"},
    {"augment", "shift:N[,flip]|flip|none", "none", "images: each epoch, shift every training image by a random offset of up to N pixels each way, and with flip mirror it left to right with probability 1/2; seeded"},
    {"val", "N|FRAC", "0", "hold out N rows (or a fraction) of --train for validation; the best epoch on it is saved"},
    {"patience", "K", "0 (off)", "with --val: stop after K epochs without a better validation accuracy (regression, or --monitor loss: loss)"},
    {"monitor", "accuracy|loss", "accuracy", "classification with --val: the better epoch (kept, and counted by --patience) has the higher "
                                             "validation accuracy, or the lower validation loss"},
    {"class-weight", "balanced|C=W,...|FILE", "none", "classification: weigh each class's rows in the cost: balanced (n / (classes x the "
                                                       "class's rows), as scikit-learn), CLASS=WEIGHT pairs (others 1), or a file of such lines"},
    {"seed", "N", "1", "seed for initialisation, shuffling, splits, dropout and augmentation"},
    {"train", "FILE", "data/", "training data: CSV, IDX images, or NumPy .npy / .npz (arrays x and y, X and y, images and labels...) ('-' = stdin)"},
    {"train-labels", "FILE", "beside IDX; y.npy beside x.npy", "labels for --train: IDX, .npy (integers: classes; floats: regression targets) or .npz"},
    {"test", "FILE", "none", "test data, evaluated after every epoch (never used to choose anything)"},
    {"test-labels", "FILE", "beside IDX; y.npy beside x.npy", "labels for --test: IDX, .npy or .npz"},
    {"holdout", "N|FRAC", "0", "hold out N rows (or a fraction) of --train as the test set"},
    {"chart", "auto|fixed", "auto", "the epoch chart's scale: the range of the accuracies (a narrow one widened to 10 points), "
                                    "or fixed, 0 to 100%"},
    {"class-names", "FILE|A,B,...", "the labels' own (numbers, or the names in a CSV file)",
     "names of the classes 0, 1, ... of numbered labels (IDX, NumPy, CSV numbers): a file of one name a line ('#' lines are comments), or a list "
     "separated by commas; the model keeps them and predict, eval, export and info use them"},
    {"rows", "N", "all", "train on the first N rows of --train only (the textbook's experiment with 1,000 images); "
                         "--holdout and --val then come out of them"},
    {"folds", "K", "off", "cross-validate first: train K networks, each scored on one fold of the training rows (row i, from 0, is in fold i mod K), print each figure with their mean and deviation; then train the final model on all of them"},
    {"label-col", "auto|first|last|N|NAME", "auto: a column named label, class, target or y; else the first, unless only the last looks like labels, or the last holds names and the first numbers", "CSV column holding the class label (N counts from 1; NAME as in the header)"},
    {"target", "COL[,COL...]", "none", "regression: predict these CSV columns (numbers from 1, first, last or header names), one output each"},
    {"ignore", "COL[,COL...]", "none", "CSV columns to leave out (ids, free text, dates)"},
    {"category", "COL[,COL...]", "text columns, and numbers quoted in every row of a file whose other numbers are bare (R's factors), "
                                 "or quoted whole numbers of a few repeated values in a file that quotes every number",
     "CSV columns to one-hot encode, a column per value, whatever their values"},
    {"row-names", "drop|feature", "drop", "a first column headed \"\" or 'Unnamed: 0' (R's write.csv row names, pandas' index), and columns "
                                          "'Unnamed: K' right after it (an earlier index): left out of the features, or used as features"},
    {"missing", "mean|drop|error", "mean", "a missing feature value (empty, NA, N/A, n/a, na, NaN, nan, NAN, null, NULL, None, ?, #N/A (Excel) or <NA> (pandas); quoted, only empty): the training mean (a category of its own in a categorical column), drop the row, or an error"},
    OPT_SEP,
    OPT_DECIMAL,
    {"header", "auto|yes|no", "auto", "whether CSV files start with a header line"},
    {"scale", "auto|none|NUM", "auto", "divide inputs by NUM (auto: 255 for bytes -- IDX unsigned bytes, NumPy uint8 -- else the largest |value|)"},
    {"standardize", NULL, NULL, "instead of --scale: make each feature mean 0, deviation 1 on the training data (stored)"},
    {"out", "FILE", "model.bin", "where to write the model"},
    {"checkpoint", "FILE", "none", "write the whole training state here every --every epochs and on SIGINT/SIGTERM"},
    {"ensemble", "K", "1", "train K networks (the same settings, each from its own seed: its initial weights, order and dropout) and save them as one model whose output is their mean (probabilities, or values); predict, eval and export use them all"},
    {"every", "N", "1", "epochs between checkpoints"},
    {"resume", "FILE", "none", "continue the run saved in a checkpoint (its settings and data paths are reused)"},
    OPT_THREADS,
    {"log", "FILE", "none", "write one CSV row per epoch: cost, train/validation/test accuracy, eta, seconds"},
    {"report", "FILE.html", "none", "write an HTML report of the run, rewritten as it goes: the settings, the learning curves, "
                                    "per-layer dead units, saturation and gradient norms, the confusion matrix, the most confident "
                                    "errors and the first layer's weights (one file, no network needed to view it)"},
    {"quiet", NULL, NULL, "no progress on stderr, only errors"},
    {"help", NULL, NULL, "show this help"},
    OPT_END};

static const OptSpec predict_opts[] = {
    {"probs", NULL, NULL, "print the output activations instead of labels"},
    {"top", "K", "off", "print the K most likely labels, each with its output activation"},
    OPT_THRESHOLD,
    {"on-error", "stop|skip|mark", "stop", "a CSV row that does not read: stop there (the rows before it answered); skip it, or "
                                            "mark it (NA in each answer column; JSON: an \"error\" field), said on stderr, and go on; "
                                            "exit 1 at the end if any row was bad"},
    {"keep", "COL[,COL...]", "none", "CSV input: carry these columns (header names, or numbers from 1), as written, into each answer "
                                     "before it (JSON: fields by name), e.g. an id, or the true label (the answer is then headed "
                                     "predicted_NAME)"},
    {"no-header", NULL, NULL, "no header line in CSV and TSV output (by default there is one when the input has one: the kept "
                              "columns, then the label's name, the class names of --probs, or the targets' names)"},
    {"format", "csv|tsv|json|npy", "csv", "output format; json: one object per line, its first field \"schema\":\"" NN_JSON_SCHEMA "\"; npy: one NumPy array (int64 labels, or class names as "
                                           "text; float32 --probs; float64 values) for np.load"},
    {"label-col", "none|first|last|N|NAME", "none", "CSV column to skip as a label (N counts from 1; NAME as in the header)"},
    OPT_SEP,
    OPT_DECIMAL,
    {"header", "auto|yes|no", "auto", "whether the CSV input starts with a header line"},
    OPT_THREADS,
    {"help", NULL, NULL, "show this help"},
    OPT_END};

static const OptSpec eval_opts[] = {
    {"labels", "FILE", "beside IDX; y.npy beside x.npy", "labels for IDX or NumPy DATA: IDX, .npy or .npz"},
    {"errors", "N", "0", "also list the N most confidently wrong rows (regression: the N largest residuals)"},
    {"show", NULL, NULL, "with --errors: draw those rows in the terminal"},
    OPT_THRESHOLD,
    {"importance", NULL, NULL, "permutation importance: the drop in accuracy (regression: R^2) when each input column (a table's column, "
                               "all its one-hot inputs together) is shuffled among the rows, largest first, with bars"},
    {"repeats", "R", "5", "with --importance: shuffles of each column (their mean and deviation are printed)"},
    {"out", "FILE.png", NULL, "with --errors: also write those rows as one PNG picture, each with its row, true and predicted class"},
    {"ascii", NULL, NULL, "with --show, or a regression's plot: draw with ASCII characters (the default when stdout is not a terminal)"},
    {"color", NULL, NULL, "with --show: draw in grey blocks with colour escapes even when stdout is not a terminal"},
    {"label-col", "auto|first|last|N|NAME", "auto, as in train", "CSV column holding the label (N counts from 1); with a model that knows its columns' names: the file's column "
     "holding its label, by name (a renamed one), or by position in rows without a header"},
    OPT_SEP,
    OPT_DECIMAL,
    {"header", "auto|yes|no", "auto", "whether the CSV file starts with a header line"},
    OPT_THREADS,
    {"help", NULL, NULL, "show this help"},
    OPT_END};

static const OptSpec show_opts[] = {
    {"index", "I", "0", "the first row to draw (rows count from 0)"},
    {"count", "N", "1", "how many rows to draw"},
    {"width", "W", "the width of IDX or NumPy images (rank 3 or 4), else the square root of the features", "image width in pixels"},
    {"ascii", NULL, NULL, "draw with ASCII characters instead of Unicode half blocks in grey (the default when stdout is not a terminal)"},
    {"color", NULL, NULL, "draw in grey blocks with colour escapes even when stdout is not a terminal (for less -R)"},
    {"labels", "FILE", "beside IDX; y.npy beside x.npy", "labels for IDX or NumPy DATA: IDX, .npy or .npz"},
    {"label-col", "auto|none|first|last|N", "auto, as in train", "CSV column holding the label (N counts from 1)"},
    OPT_SEP,
    OPT_DECIMAL,
    {"header", "auto|yes|no", "auto", "whether the CSV file starts with a header line"},
    {"out", "FILE.png", NULL, "instead of drawing in the terminal, write the rows as one PNG picture, each with its row number and label"},
    {"class-names", "FILE|A,B,...", "the labels' own", "names for numbered labels (as nn train takes them): show prints them"},
    {"help", NULL, NULL, "show this help"},
    OPT_END};

static const OptSpec weights_opts[] = {
    {"out", "FILE.png", NULL, "write the picture as PNG: a tile per unit (the weights into it, laid out as its input), per "
                              "kernel and channel of a convolution, or a deeper dense layer's matrix; blue negative, white 0, "
                              "red positive, one scale for the picture, shown in a legend"},
    {"layer", "N", "the first with weights", "the layer to draw (1 is the first after the input)"},
    {"zoom", "Z", "tiles of at least 84 pixels", "pixels per weight, 1 to 64"},
    {"pgm", "FILE", NULL, "instead: the first layer's weights as greyscale tiles (PGM), each tile on its own scale"},
    {"width", "W", "the input image's width, or the square root of the inputs", "tile width in weights, for a first dense layer"},
    {"member", "K", "1", "an ensemble's network to look into, from 1"},
    {"help", NULL, NULL, "show this help"},
    OPT_END};

static const OptSpec explain_opts[] = {
    {"index", "I", "0", "the row to explain (rows count from 0)"},
    {"row", "N", NULL, "instead: the N-th row, counting from 1 as R and spreadsheets do"},
    {"class", "C", "the predicted class", "the class (number or name) whose score the saliency and the largest terms explain; a regression's output number"},
    {"out", "PREFIX", NULL, "also write the pictures: PREFIX-saliency.png (an image input: the input, dz/dx over it, gradient x input), "
                            "PREFIX-layerN.png (each layer's activations) and PREFIX-nudge.png (the change this row asks of the first layer's weights)"},
    {"labels", "FILE", "beside IDX; y.npy beside x.npy", "labels for IDX or NumPy DATA (without labels: no nudge)"},
    {"label-col", "auto|none|first|last|N|NAME", "auto, as in train", "CSV column holding the label (N counts from 1)"},
    OPT_SEP,
    OPT_DECIMAL,
    {"header", "auto|yes|no", "auto", "whether the CSV file starts with a header line"},
    {"ascii", NULL, NULL, "draw with ASCII characters (the default when stdout is not a terminal)"},
    {"color", NULL, NULL, "draw in grey blocks with colour escapes even when stdout is not a terminal"},
    {"member", "K", "1", "an ensemble's network to look into, from 1"},
    {"help", NULL, NULL, "show this help"},
    OPT_END};

static const OptSpec report_opts[] = {
    {"out", "FILE.html", NULL, "the page to write (-o FILE.html too)"},
    {"labels", "FILE", "beside IDX; y.npy beside x.npy", "labels for IDX or NumPy DATA (without labels: no confusion matrix or errors)"},
    {"label-col", "auto|none|first|last|N|NAME", "auto, as in train", "CSV column holding the label (N counts from 1)"},
    OPT_SEP,
    OPT_DECIMAL,
    {"header", "auto|yes|no", "auto", "whether the CSV file starts with a header line"},
    OPT_THREADS,
    {"member", "K", "1", "an ensemble's network to look into, from 1"},
    {"help", NULL, NULL, "show this help"},
    OPT_END};

static const OptSpec export_opts[] = {
    {"c", "FILE", NULL, "write a self-contained C header: the weights and a NAME_predict() function (NAME: --prefix) ('-': stdout)"},
    {"int8", NULL, NULL, "with --c: weights as int8 with a float scale per unit, inputs of each layer int8, sums in int32"},
    {"prefix", "NAME", "the file's name", "with --c: the header's names, NAME_predict(), NAME_INPUTS, the guard NAME_MODEL_H ..., so "
                                           "that several models go into one program (--c -: nn)"},
    {"onnx", "FILE", NULL, "write an ONNX model (IR 8, opset 13): input (N, features) raw, outputs probs and label (regression: values) ('-': stdout)"},
    {"test", "DATA", "none", "measure the float network's accuracy on DATA (and with --int8 the quantised one's), print it and record it in the file"},
    {"labels", "FILE", "beside IDX", "labels for --test DATA (IDX or NumPy)"},
    {"threads", "N", "all CPUs", "worker threads for --test"},
    {"help", NULL, NULL, "show this help"},
    OPT_END};

static const OptSpec serve_opts[] = {
    {"listen", "HOST:PORT", "127.0.0.1:8080", "the address to listen on (port 0: a free port); the address taken is said on stderr, "
                                               "\"nn: serving on HOST:PORT\"; a host other than loopback makes the models reachable from other machines"},
    {"workers", "N", "all CPUs", "threads answering requests"},
    {"max-body", "SIZE", "16M", "the largest request body, in bytes or with K, M or G (KiB, MiB, GiB); a larger one is answered 413 before it is read"},
    {"max-rows", "N", "10000", "the most instances in one request (more: 413)"},
    {"max-conns", "N", "256", "connections open at once (one more is answered 503 and closed)"},
    {"timeout", "SECONDS", "10", "a request must arrive whole within this time of its first byte (else 408, and the connection is closed), "
                                 "and an answer must be taken within it"},
    {"idle", "SECONDS", "60", "a keep-alive connection with no request is closed after this"},
    {"keep", "COL[,COL...]", "none", "instances given as objects: carry these members (an id) into each prediction, as predict --keep does"},
    {"batch", "N", "32", "the most waiting requests a worker answers together, their rows through the network in one pass, when each asks one "
                         "model about at most 64 instances given as arrays (the answers are the same; 1: each request alone)"},
    {"quiet", NULL, NULL, "no access log on stderr (a line per request: client, method, path, status, body bytes, milliseconds until written; "
                          "for an answer the client stopped taking, how much of it went)"},
    {"help", NULL, NULL, "show this help"},
    OPT_END};

static const OptSpec info_opts[] = {
    {"layers", "SPEC", NULL, "describe a layer spec instead of a model file"},
    {"json", NULL, NULL, "print one JSON object for tools: the inputs (a table's columns), classes or targets, task, layers, "
                         "parameters and training settings (its \"schema\" field names this layout)"},
    {"help", NULL, NULL, "show this help"},
    OPT_END};

/* The commands: `main` dispatches through this table and `nn help` prints
 * from it. */
static int cmd_train(int argc, char **argv);
static int cmd_predict(int argc, char **argv);
static int cmd_eval(int argc, char **argv);
static int cmd_info(int argc, char **argv);
static int cmd_weights(int argc, char **argv);
static int cmd_show(int argc, char **argv);
static int cmd_export(int argc, char **argv);
static int cmd_explain(int argc, char **argv);
static int cmd_report(int argc, char **argv);
static int cmd_serve(int argc, char **argv);

typedef struct {
    const char *name, *args, *summary;
    const OptSpec *opts;
    int (*run)(int argc, char **argv); /* argv: the arguments after the command's name */
    const char *more;                  /* printed under the summary by `nn help COMMAND`, or NULL */
    void (*after)(FILE *f);            /* prints more after the options, or NULL */
} CmdSpec;

static const CmdSpec commands[] = {
    {"train", "[OPTIONS]", "train a network with mini-batch SGD and save it", train_opts, cmd_train,
     "A CSV file with a target (--target), categories or missing values is a table, and a spec with convolutions or\n"
     "pools a convolutional network: a setting not given then takes that profile's default (listed below the\n"
     "options), said on stderr.  The defaults in the list of options are the textbook's.", print_profiles},
    {"predict", "MODEL INPUT [OPTIONS]", "print one predicted label (or --probs) per input row", predict_opts, cmd_predict,
     "A regression model prints its values; a model trained on a table, or on numbers under a header of names, finds\n"
     "its columns by header name (in any order), or by position in rows without a header.  A 3x3 convolution over 16\n"
     "channels or more is computed by Winograd's F(2x2, 3x3): the answers differ from direct sums in the last bits.", NULL},
    {"eval", "MODEL DATA [OPTIONS]", "print the accuracy of a model on labelled data", eval_opts, cmd_eval,
     "For a regression model: MSE, RMSE, MAE and R^2 per target, and a scatter of predicted against true values.", NULL},
    {"info", "MODEL | --layers SPEC", "print a network's layers, parameter counts and settings", info_opts, cmd_info,
     "A network of images gets a row per layer with its kind in the spec's notation, its output shape (maps x height\n"
     "x width) and the multiply-adds of one image's forward pass.", NULL},
    {"weights", "MODEL --out FILE.png [--layer N]", "draw a layer's weights: a tile per neuron, or per convolution kernel", weights_opts, cmd_weights, NULL, NULL},
    {"show", "DATA [--index I] [--count N]", "draw images of a data set in the terminal, with their labels", show_opts, cmd_show, NULL, NULL},
    {"explain", "MODEL DATA [--index I] [--out PREFIX]", "look inside one decision: saliency, activations, the largest terms and the nudge of one row", explain_opts, cmd_explain,
     "The saliency is dz/dx, z the class's score (its output unit's weighted input): how much each input moves it.\n"
     "The nudge is the gradient of this row's cost, shown as the change one SGD step on it alone would make.", NULL},
    {"report", "MODEL DATA --out FILE.html", "write an HTML report of a model on a data set: settings, layers, confusion matrix, errors, weights", report_opts, cmd_report,
     "The page of nn train --report, made from a saved model: everything but the training curves.", NULL},
    {"export", "MODEL --c FILE.h [--int8] [--prefix NAME] | --onnx FILE.onnx", "write the model as a self-contained C header for firmware (float or int8), or as an ONNX model", export_opts, cmd_export, NULL, NULL},
    {"serve", "MODEL... [--listen 127.0.0.1:8080]", "answer predictions over HTTP/1.1 in JSON (TF Serving's REST API)", serve_opts, cmd_serve,
     "MODEL is FILE (named after the file, without its extension) or NAME=FILE.  POST /v1/models/NAME:predict with\n"
     "{\"instances\": [[inputs...], ...]} (or objects by column name for a table) answers {\"predictions\": [...]}, each\n"
     "as predict --format json --probs prints it, and a \"warnings\" member for what predict would warn about\n"
     "(categories not seen in training, missing values filled in, inputs scaled already); a bad request gets a 4xx\n"
     "and {\"error\": \"...\"}.  GET /v1/models, /v1/models/NAME (nn info --json) and /healthz.\n"
     "SIGHUP reloads the model files (a failed load keeps the old models); SIGTERM or SIGINT answers the requests\n"
     "that have arrived and exits 0.", NULL},
    {NULL, NULL, NULL, NULL, NULL, NULL, NULL}};

/* Every command's options fit the value arrays that parse_opts fills. */
#define NN_MAX_OPTS 64
#define OPTS_FIT(t) _Static_assert(sizeof t / sizeof *t <= NN_MAX_OPTS, #t " has more than NN_MAX_OPTS options")
OPTS_FIT(train_opts);
OPTS_FIT(predict_opts);
OPTS_FIT(eval_opts);
OPTS_FIT(info_opts);
OPTS_FIT(weights_opts);
OPTS_FIT(show_opts);
OPTS_FIT(export_opts);
OPTS_FIT(explain_opts);
OPTS_FIT(report_opts);
OPTS_FIT(serve_opts);

/* The command called `name`, or NULL. */
static const CmdSpec *find_command(const char *name)
{
    for (const CmdSpec *c = commands; c->name; c++)
        if (!strcmp(c->name, name)) return c;
    return NULL;
}

static void print_cmd_help(FILE *f, const CmdSpec *c)
{
    int w = 0; /* the option column fits the longest option */
    fprintf(f, "usage: nn %s %s\n%s.\n%s%s\noptions:\n", c->name, c->args, c->summary, c->more ? c->more : "", c->more ? "\n" : "");
    for (const OptSpec *o = c->opts; o->name; o++) {
        int l = (int)strlen(o->name) + 2 + (o->arg ? 1 + (int)strlen(o->arg) : 0);
        w = l > w ? l : w;
    }
    for (const OptSpec *o = c->opts; o->name; o++) {
        char left[64];
        snprintf(left, sizeof left, "--%s%s%s", o->name, o->arg ? " " : "", o->arg ? o->arg : "");
        fprintf(f, "  %-*s  %s", w, left, o->help);
        if (o->def) fprintf(f, " (default: %s)", o->def);
        fputc('\n', f);
    }
    if (c->after) c->after(f);
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

/* Print a usage error and a pointer to the help; returns 2, the exit
 * status for usage errors. */
#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static int usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "%s: ", progname);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    if (cmd) fprintf(stderr, "\n%s: try 'nn %s --help'\n", progname, cmd);
    else fprintf(stderr, "\n%s: try 'nn help'\n", progname);
    return 2;
}

/* Whether inputs a and b are one stream, which can be read only once:
 * both standard input, or the same pipe or device. */
static int same_stream(const char *a, const char *b)
{
    struct stat sa, sb;
    if (!a || !b) return 0;
    if (!strcmp(a, "-") || !strcmp(b, "-")) return !strcmp(a, b);
    if (stat(a, &sa) || stat(b, &sb)) return 0;
    return !S_ISREG(sa.st_mode) && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

/* A usage error (2) when two of the n inputs paths[] (NULL: not given),
 * named what[], are one stream; else 0. */
static int distinct_streams(const char *cmd, const char *const *paths, const char *const *what, int n)
{
    for (int i = 0; i < n; i++)
        for (int j = i + 1; j < n; j++)
            if (same_stream(paths[i], paths[j]))
                return usage_error(cmd, "%s and %s are both %s, which can be read only once", what[i], what[j],
                                   strcmp(paths[i], "-") ? "the same pipe or device" : "standard input");
    return 0;
}

/* Parse argv against specs.  val[k] gets the argument of specs[k] ("" for
 * a flag that is set), pos[] the positional arguments.  "--" ends options.
 * Returns 0, or 2 after printing a usage error. */
static int parse_opts(const char *cmd, int argc, char **argv, const OptSpec *specs, const char **val, int nval,
                      const char **pos, int maxpos, int *npos)
{
    int dashdash = 0;
    *npos = 0;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i], *eq, *best = NULL;
        size_t nlen, bestd = SIZE_MAX;
        int k;
        if (dashdash || a[0] != '-' || a[1] == 0) {
            if (*npos == maxpos) return usage_error(cmd, "unexpected argument '%s'", a);
            pos[(*npos)++] = a;
            continue;
        }
        if (!strcmp(a, "--")) {
            dashdash = 1;
            continue;
        }
        if (!strcmp(a, "-h") && !dashdash) a = "--help";
        if (!strcmp(a, "-o") && !dashdash) a = "--out";
        if (a[1] != '-') return usage_error(cmd, "unknown option '%s' (options are spelled --name)", a);
        a += 2;
        eq = strchr(a, '=');
        nlen = eq ? (size_t)(eq - a) : strlen(a);
        for (k = 0; specs[k].name; k++)
            if (strlen(specs[k].name) == nlen && !strncmp(specs[k].name, a, nlen)) break;
        if (!specs[k].name) {
            char nm[128];
            snprintf(nm, sizeof nm, "%.*s", (int)(nlen > 100 ? 100 : nlen), a);
            for (int j = 0; specs[j].name; j++) { /* one of an option's values: --json for --format json */
                const char *v = specs[j].arg;
                size_t ln = strlen(nm);
                for (; v && *v; v += strcspn(v, "|"), v += *v == '|')
                    if (strcspn(v, "|") == ln && !strncmp(v, nm, ln) && strcspn(specs[j].arg, " ") == strlen(specs[j].arg))
                        return usage_error(cmd, "unknown option --%s; did you mean --%s %s?", nm, specs[j].name, nm);
            }
            for (int j = 0; specs[j].name; j++) {
                size_t dd = edit_distance(nm, specs[j].name), ls = strlen(specs[j].name), ln = strlen(nm);
                if (ls > ln && specs[j].name[ls - ln - 1] == '-' && !strcmp(specs[j].name + ls - ln, nm))
                    dd = 0; /* the end of a longer name: --labels for --train-labels */
                if (ls > ln && specs[j].name[ln] == '-' && !strncmp(specs[j].name, nm, ln))
                    dd = 0; /* its start: --label for --label-col */
                if (dd < bestd) {
                    bestd = dd;
                    best = specs[j].name;
                }
            }
            if (best && bestd <= NN_SUGGEST_OPTION) {
                char hint[160];
                snprintf(hint, sizeof hint, "; did you mean --%s?", best);
                return usage_error(cmd, "unknown option --%s%s", nm, hint);
            }
            return usage_error(cmd, "unknown option --%s", nm);
        }
        if (k >= nval) return usage_error(cmd, "too many options"); /* cannot happen: nval covers specs */
        if (val[k] && specs[k].arg && strstr(specs[k].arg, "[,") && (eq || i + 1 < argc)) { /* a list given twice: both */
            static void *joined; /* (each joined list, chained from here: lives as long as the process) */
            const char *more = eq ? eq + 1 : argv[i + 1];
            void **cell = malloc(sizeof(void *) + strlen(val[k]) + strlen(more) + 2);
            char *both = (char *)(cell + 1);
            if (!cell) return usage_error(cmd, "out of memory");
            *cell = joined, joined = cell;
            sprintf(both, "%s,%s", val[k], more);
            val[k] = both, i += !eq;
            continue;
        }
        if (val[k])
            fprintf(stderr, "%s: warning: --%s given more than once; the last one counts\n", progname, specs[k].name);
        if (!specs[k].arg) {
            if (eq) return usage_error(cmd, "option --%s takes no value", specs[k].name);
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

/* Index of option `name` in specs; a name not there is a bug in nn. */
static int opt_index(const OptSpec *specs, const char *name)
{
    int k = 0;
    while (specs[k].name && strcmp(specs[k].name, name)) k++;
    if (!specs[k].name) {
        fprintf(stderr, "%s: internal error: no option --%s\n", progname, name);
        abort();
    }
    return k;
}

#define OPT(specs, val, name) ((val)[opt_index((specs), (name))])

/* Parse the CSV options shared by train, predict, eval and show. */
static int csv_options(const char *cmd, const char *label_col, const char *header, const char *sep, const char *decimal,
                       int dflt_label, CsvOpt *o)
{
    size_t k;
    memset(o, 0, sizeof *o);
    o->label_col = dflt_label, o->header = -1;
    if (sep && strcmp(sep, "auto")) {
        o->sep = !strcmp(sep, ",") ? ',' : !strcmp(sep, ";") ? ';' : !strcmp(sep, "tab") || !strcmp(sep, "\t") ? '\t'
               : !strcmp(sep, "space") || !strcmp(sep, " ") ? ' ' : 0;
        if (!o->sep) return usage_error(cmd, "--sep '%s': expected auto, ',', ';', tab or space", sep);
    }
    if (decimal && strcmp(decimal, "auto")) {
        o->decimal = !strcmp(decimal, ".") ? '.' : !strcmp(decimal, ",") ? ',' : 0;
        if (!o->decimal) return usage_error(cmd, "--decimal '%s': expected auto, '.' or ','", decimal);
        if (o->decimal == ',' && o->sep == ',') return usage_error(cmd, "--decimal , with --sep ,: a comma cannot both separate fields and mark decimals (write.csv2 and Excel separate with ';')");
    }
    if (label_col) {
        if (!strcmp(label_col, "first")) o->label_col = 1;
        else if (!strcmp(label_col, "last")) o->label_col = LABEL_LAST;
        else if (!strcmp(label_col, "auto")) o->label_col = LABEL_AUTO;
        else if (!strcmp(label_col, "none")) o->label_col = LABEL_NONE;
        else if (!parse_size(label_col, NN_MAX_WIDTH + 1, &k) && k >= 1) o->label_col = (int)k;
        else if (*label_col && !strchr(label_col, ',') && (label_col[0] < '0' || label_col[0] > '9')) o->label_name = label_col; /* a header name */
        else return usage_error(cmd, "--label-col '%s': expected auto, first, last, none, a column number from 1 or a header name", label_col);
        if (o->label_col == LABEL_NONE && dflt_label != LABEL_NONE && !strcmp(cmd, "train"))
            return usage_error(cmd, "--label-col none: training needs labels");
    }
    if (header) {
        if (!strcmp(header, "auto")) o->header = -1;
        else if (!strcmp(header, "yes")) o->header = 1;
        else if (!strcmp(header, "no")) o->header = 0;
        else return usage_error(cmd, "--header '%s': expected auto, yes or no", header);
    }
    return 0;
}

/* --threshold s of model N (path): into *t, -1 when not given. */
static int threshold_option(const char *cmd, const char *s, const Net *N, const char *path, double *t)
{
    *t = -1;
    if (!s) return 0;
    if (parse_double(s, t) || !(*t >= 0 && *t <= 1))
        return *t = -1, usage_error(cmd, "--threshold '%s': expected a probability from 0 to 1", s);
    if (N->task == TASK_REGRESS || net_classes(N) != 2)
        return *t = -1, usage_error(cmd, "--threshold is for two-class models; %s %s", path,
                                     N->task == TASK_REGRESS ? "is a regression model" : "has more classes");
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
        return usage_error(cmd, "--threads '%s': expected a whole number from 1 to %d", s, NN_MAX_THREADS);
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

/* Hold out k rows (or frac of them) of *all into *held; *all keeps the rest. */
static int split_rows(Data *all, size_t k, double frac, uint64_t seed, Data *held, const char *what, Err *err)
{
    Data rest;
    if (frac > 0) k = (size_t)floor(frac * (double)all->n + 0.5);
    if (k < 1 || k >= all->n)
        return fail(err, all->name, "%s holds out %zu of the %zu rows, leaving %zu for training; need at least one on each side",
                    what, k, all->n, k >= all->n ? (size_t)0 : all->n - k);
    if (data_holdout(all, k, seed, &rest, held, err)) return -1;
    *all = rest;
    return 0;
}

/* The signal that asked training to stop, or 0.  A signal handler can only
 * talk to the program through such a flag: nn's one mutable global. */
static volatile sig_atomic_t stop_signal;

static void on_stop_signal(int sig) { stop_signal = sig; }

/* SIGINT and SIGTERM set stop_signal (a second one ends nn at once) until
 * release_stops puts back what was there. */
static void catch_stops(struct sigaction *old_int, struct sigaction *old_term)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_stop_signal;
    sa.sa_flags = SA_RESETHAND;
    sigemptyset(&sa.sa_mask);
    stop_signal = 0;
    sigaction(SIGINT, NULL, old_int), sigaction(SIGTERM, NULL, old_term);
    if (old_int->sa_handler != SIG_IGN) sigaction(SIGINT, &sa, NULL); /* an ignored one stays ignored (a job started */
    if (old_term->sa_handler != SIG_IGN) sigaction(SIGTERM, &sa, NULL); /* with & by a shell), as in loading */
}

static void release_stops(const struct sigaction *old_int, const struct sigaction *old_term)
{
    sigaction(SIGINT, old_int, NULL), sigaction(SIGTERM, old_term, NULL);
}

/* Refuse an output that is the model being read (it would be replaced). */
static int output_is_input(const char *cmd, const char *out, const char *in)
{
    if (!same_file(out, in)) return 0;
    return usage_error(cmd, "the output %s is the model %s; give another file", out, in);
}

/* ======================================================================== */
/* @@trainopt nn train: options and defaults                              */
/* ======================================================================== */

/* Class names given on the command line (--class-names), owned. */
typedef struct {
    char **names;
    size_t n;
} Names;

/* --class-names ARG: the lines of the file ARG names, or ARG's items
 * separated by commas; each non-empty, printable (UTF-8 is kept), at most
 * NN_MAX_NAME bytes, and given once.  0, or 2 after a usage message. */
static int class_names_option(const char *cmd, const char *arg, Names *out)
{
    uint8_t *buf = NULL;
    size_t len = 0, cap = 16;
    const char *p, *end;
    int from_file = !strchr(arg, ',') || file_exists(arg), rc = 2;
    char why[300] = "";
    Err err = {{0}, {0}};
    out->names = NULL;
    out->n = 0;
    if (from_file) {
        if (!file_exists(arg))
            return usage_error(cmd, "--class-names '%s': no such file (a list of names is separated by commas)", arg);
        if (read_all(arg, RD_ANY, &buf, &len, &err)) {
            report(&err);
            return 1;
        }
        p = (const char *)buf;
        end = p + len;
        if (len >= 3 && !memcmp(p, "\xef\xbb\xbf", 3)) p += 3; /* (a byte-order mark) */
    } else {
        p = arg;
        end = arg + strlen(arg);
    }
    if (!(out->names = calloc(cap, sizeof *out->names))) goto oom;
    for (size_t line = 1; p < end && !why[0]; line++) {
        const char *e = memchr(p, from_file ? '\n' : ',', (size_t)(end - p)), *stop;
        size_t l;
        if (!e) e = end;
        stop = e;
        if (from_file && stop > p && stop[-1] == '\r') stop--;
        while (stop > p && (stop[-1] == ' ' || stop[-1] == '\t')) stop--; /* (spaces around a name are not part of it) */
        while (p < stop && (*p == ' ' || *p == '\t')) p++;
        l = (size_t)(stop - p);
        if (from_file && !l && e + 1 >= end) break; /* (the last line's newline) */
        if (from_file && l && *p == '#') { /* a comment line */
            p = e + 1;
            continue;
        }
        for (size_t i = 0; i < l && !why[0]; i++)
            if ((unsigned char)p[i] < 32 || p[i] == 127)
                snprintf(why, sizeof why, "%s %zu holds a control character (byte 0x%02X)", from_file ? "line" : "name", line, (unsigned char)p[i]);
        if (!why[0] && (!l || l > NN_MAX_NAME))
            snprintf(why, sizeof why, "%s %zu is %s", from_file ? "line" : "name", line, l ? "longer than 4096 bytes" : "empty");
        for (size_t k = 0; k < out->n && !why[0]; k++)
            if (strlen(out->names[k]) == l && !memcmp(out->names[k], p, l))
                snprintf(why, sizeof why, "'%.*s' is given twice (names %zu and %zu)", (int)(l < 100 ? l : 100), p, k + 1, line);
        if (!why[0] && out->n == NN_MAX_CLASSES) snprintf(why, sizeof why, "more than %d names", NN_MAX_CLASSES);
        if (why[0]) break;
        if (out->n == cap) {
            char **t = realloc(out->names, 2 * cap * sizeof *t);
            if (!t) goto oom;
            out->names = t;
            cap *= 2;
        }
        if (!(out->names[out->n] = malloc(l + 1))) goto oom;
        memcpy(out->names[out->n], p, l);
        out->names[out->n++][l] = 0;
        p = e + 1;
    }
    if (!why[0] && !out->n) snprintf(why, sizeof why, "no names");
    free(buf);
    if (!why[0]) return 0;
    usage_error(cmd, "--class-names %s: %s", arg, why);
    goto drop;
oom:
    free(buf);
    say("out of memory");
    rc = 1;
drop:
    names_free(out->names, out->n);
    out->names = NULL;
    out->n = 0;
    return rc;
}

/* Everything `nn train` sets up before its run: the settings, the data,
 * the network and what the model file will hold beside it.  Filled in by
 * train_options, train_data and train_network in turn; job_free frees it
 * whatever stage failed. */
typedef struct {
    TrainOpt o;
    TrainCtl ctl;
    CsvOpt co;
    const char *trainf, *testf, *out; /* the data (testf may be NULL) and where the model goes */
    int nt, default_data;             /* threads; trainf is the shipped data */
    int hidden, output;               /* --hidden, --output (0: not given) */
    size_t hold, vrows;               /* --holdout and --val as row counts, */
    double hfrac, vfrac;              /* or as fractions */
    double div;                       /* --scale (0: auto) */
    int standardize;                  /* --standardize, or a table's default */
    size_t folds;                     /* --folds K (0: none) */
    size_t rows;                      /* --rows N (0: all) */
    Names cnames;                     /* --class-names, until the model takes them */
    float *cw;                        /* --class-weight: each class's weight (nclass), or NULL */
    int cw_balanced;                  /* --class-weight balanced: cw from the training rows, once the validation rows are out */
    int table_net;                    /* no --layers and a table: the default network for tables */
    int table_bins;                   /* ...with the profile's pleKv after the input */
    int conv_net;                     /* --layers has convolutions or pools: their defaults (conv_defaults) */
    const char *spec_later;           /* --layers starting with a layer: parsed with the IDX images' shape */
    float bn_mom;                     /* --bn-momentum (0: not given) */
    Data tr, te, va;
    Net N;
    Meta M;
} TrainJob;

static void job_free(TrainJob *j)
{
    data_free(&j->tr), data_free(&j->te), data_free(&j->va), free(j->N.param), model_meta_free(&j->M);
    names_free(j->cnames.names, j->cnames.n);
    free(j->cw);
}


/* --standardize: each feature's mean and deviation over the training rows,
 * into in (allocated).  A table's one-hot inputs are standardised too:
 * left at 0 and 1 they did worse on the shared R tables with five folds
 * (soybean 92.7% against 93.9%, vowel 96.3 against 96.7, Cars93's R^2
 * 0.64 against 0.70).  Two passes in double: the mean, then the squared
 * deviations (no cancellation for features far from 0).  Returns 0, or 1
 * after a message. */
static int input_stats(const Data *tr, InputMap *in)
{
    size_t nin = tr->d, big = 0;
    double *sum = alloc_array(nin, sizeof(double)), *sq = alloc_array(nin, sizeof(double)), bigv = 0;
    in->mean = malloc(nin * sizeof(float)), in->rsd = malloc(nin * sizeof(float)), in->div = 1;
    if (!sum || !sq || !in->mean || !in->rsd) {
        free(sum), free(sq);
        say("out of memory");
        return 1;
    }
    for (size_t r = 0; r < tr->n; r++)
        for (size_t i = 0; i < nin; i++) sum[i] += tr->x8 ? tr->x8[r * nin + i] : tr->xf[r * nin + i];
    for (size_t i = 0; i < nin; i++) sum[i] /= (double)tr->n;
    for (size_t r = 0; r < tr->n; r++)
        for (size_t i = 0; i < nin; i++) {
            double dv = (tr->x8 ? tr->x8[r * nin + i] : tr->xf[r * nin + i]) - sum[i];
            sq[i] += dv * dv;
            if (fabs(dv) > FLT_MAX / 2 && !big) big = i + 1, bigv = dv + sum[i];
        }
    if (big) {
        say("%s: feature %zu: a value of %g is too far from the feature's mean (%g) to standardise in single "
            "precision; scale the data down first", tr->name, big, bigv, sum[big - 1]);
        free(sum), free(sq);
        return 1;
    }
    for (size_t i = 0; i < nin; i++) {
        double mu = sum[i], var = sq[i] / (double)tr->n;
        double r = var > 0 ? 1.0 / sqrt(var) : 0;
        /* constant (or varying only in float rounding): left as 0; any real spread, however small, is scaled */
        in->mean[i] = (float)mu, in->rsd[i] = sqrt(var) > 1e-7 * fabs(mu) && isfinite((float)r) && (float)r > 0 ? (float)r : 1.0f;
    }
    free(sum), free(sq);
    return 0;
}

/* nn train's options (val, parsed) into j; no data is read, but every
 * output is checked.  Returns 0, 1 (an output cannot be written) or 2. */
static int train_options(TrainJob *j, int argc, char **argv, Ckpt *resume, const char **val)
{
    const OptSpec *S = train_opts;
    const char *s;
    size_t v;
    int rc;
    Err err = {{0}, {0}};
    j->o = train_defaults();
#define NAMED(opt, names, count, var, what)                                                                          \
    if ((s = OPT(S, val, opt)) && !(var = name_id(names, count, s, strlen(s))))                                       \
        return usage_error("train", "--" opt " '%s': expected %s", s, what);
    NAMED("init", init_names, INIT_COUNT, j->o.init, "normal, scaled or he")
    NAMED("optimizer", opt_names, OPT_COUNT, j->o.optimizer, "sgd, momentum, nesterov or adam")
    NAMED("schedule", sched_names, SCHED_COUNT, j->o.schedule, "constant, step, exp or cosine")
#undef NAMED
    { /* --hidden and --output: an activation allowed there */
        static const char *const which[2] = {"hidden", "output"};
        int *var[2] = {&j->hidden, &j->output};
        for (int w = 0; w < 2; w++) {
            char list[128];
            unsigned where = w ? ACT_OUTPUT : ACT_HIDDEN;
            if (!(s = OPT(S, val, which[w]))) continue;
            if (!(*var[w] = act_id(s, strlen(s))) || !(acts[*var[w]].where & where))
                return usage_error("train", "--%s '%s': expected %s", which[w], s, act_list(where, list, sizeof list));
        }
    }
    if (j->o.optimizer == OPT_SGD && OPT(S, val, "momentum")) j->o.optimizer = OPT_MOMENTUM;
    j->o.eta = profiles[PROFILE_TEXTBOOK].eta[j->o.optimizer];
    j->o.momentum = j->o.optimizer == OPT_MOMENTUM || j->o.optimizer == OPT_NESTEROV ? profiles[PROFILE_TEXTBOOK].momentum : 0.0f;
    if (j->o.schedule == SCHED_EXP) j->o.gamma = 0.95f;
#define FLOAT(opt, lo, lo_open, hi, var, what)                                                                       \
    if ((s = OPT(S, val, opt)) && float_option(s, lo, lo_open, hi, &var))                                             \
        return usage_error("train", "--" opt " '%s': expected %s", s, what);
    FLOAT("eta", 0, 1, 1e6, j->o.eta, "a positive number up to 1e6")
    FLOAT("momentum", 0, 0, 0.9999, j->o.momentum, "a number from 0 to below 1")
    FLOAT("beta1", 0, 0, 0.9999, j->o.beta1, "a number from 0 to below 1")
    FLOAT("beta2", 0, 0, 0.999999, j->o.beta2, "a number from 0 to below 1")
    FLOAT("epsilon", 0, 1, 1, j->o.epsilon, "a small positive number, at most 1")
    FLOAT("gamma", 0, 1, 1, j->o.gamma, "a number above 0, at most 1")
    FLOAT("lambda", 0, 0, 1e6, j->o.lambda, "a number from 0 to 1e6")
    FLOAT("dropout", 0, 0, 0.99, j->o.dropout, "a probability from 0 to below 1 (at most 0.99)")
    FLOAT("bn-momentum", 0, 1, 1, j->bn_mom, "a number above 0, at most 1")
#undef FLOAT
    if ((s = OPT(S, val, "augment")) && strcasecmp(s, "none")) { /* shift:N, shift:N,flip or flip */
        const char *p = s;
        int ok = *s != 0;
        if (!strncasecmp(p, "shift:", 6)) {
            p += 6, v = 0;
            ok = *p >= '0' && *p <= '9';
            for (; ok && *p >= '0' && *p <= '9'; p++) v = v > NN_MAX_SHIFT ? v : v * 10 + (size_t)(*p - '0');
            ok = ok && v >= 1 && v <= NN_MAX_SHIFT && (!*p || (*p == ',' && p[1]));
            j->o.augment = (uint32_t)v, p += *p == ',';
        }
        if (ok && *p) ok = !strcasecmp(p, "flip"), j->o.augment |= AUG_FLIP;
        if (!ok)
            return usage_error("train", "--augment '%s': expected shift:N (N from 1 to %d pixels), shift:N,flip, flip or none", s, NN_MAX_SHIFT);
    }
    if ((s = OPT(S, val, "epochs")) && (parse_size(s, NN_MAX_EPOCHS, &v) || v < 1))
        return usage_error("train", "--epochs '%s': expected a whole number from 1 to %d", s, NN_MAX_EPOCHS);
    if (s) j->o.epochs = v;
    if ((s = OPT(S, val, "batch")) && (parse_size(s, NN_MAX_BATCH, &v) || v < 1))
        return usage_error("train", "--batch '%s': expected a whole number from 1 to %d", s, NN_MAX_BATCH);
    if (s) j->o.batch = v;
    if ((s = OPT(S, val, "step")) && (parse_size(s, NN_MAX_EPOCHS, &v) || v < 1))
        return usage_error("train", "--step '%s': expected a whole number of epochs from 1", s);
    if (s) j->o.step = v;
    if ((s = OPT(S, val, "patience")) && parse_size(s, NN_MAX_EPOCHS, &v))
        return usage_error("train", "--patience '%s': expected a whole number of epochs", s);
    if (s) j->o.patience = v;
    if ((s = OPT(S, val, "monitor")) && strcmp(s, "accuracy") && strcmp(s, "loss"))
        return usage_error("train", "--monitor '%s': expected accuracy or loss", s);
    if (s) j->o.by_loss = !strcmp(s, "loss");
    if (s && !OPT(S, val, "val") && !j->o.quiet) say("note: --monitor judges epochs on the validation rows; without --val a table of at most 1000 rows has none");
    if ((s = OPT(S, val, "seed")) && parse_size(s, SIZE_MAX, &v))
        return usage_error("train", "--seed '%s': expected a whole number from 0 to %zu", s, SIZE_MAX);
    if (s) j->o.seed = v;
    if (OPT(S, val, "scale") && OPT(S, val, "standardize"))
        return usage_error("train", "give --scale or --standardize, not both");
    j->standardize = OPT(S, val, "standardize") != NULL;
    if ((s = OPT(S, val, "ensemble")) && (parse_size(s, NN_MAX_MEMBERS, &j->o.ensemble) || j->o.ensemble < 1))
        return usage_error("train", "--ensemble '%s': expected a whole number from 1 to %d", s, NN_MAX_MEMBERS);
    if (j->o.ensemble > 1 && (OPT(S, val, "checkpoint") || resume || OPT(S, val, "report")))
        return usage_error("train", "--ensemble %zu with --%s: not supported; train the ensemble without it", j->o.ensemble,
                           OPT(S, val, "report") ? "report" : "checkpoint");
    if ((s = OPT(S, val, "folds")) && (parse_size(s, 1000, &j->folds) || j->folds < 2))
        return usage_error("train", "--folds '%s': expected a whole number from 2 to 1000", s);
    if ((s = OPT(S, val, "class-names")) && (rc = class_names_option("train", s, &j->cnames))) return rc;
    if ((s = OPT(S, val, "chart")) && strcasecmp(s, "auto") && !(j->o.chart_fixed = !strcasecmp(s, "fixed")))
        return usage_error("train", "--chart '%s': expected auto or fixed", s);
    if ((s = OPT(S, val, "rows")) && (parse_size(s, NN_MAX_ROWS, &j->rows) || j->rows < 1))
        return usage_error("train", "--rows '%s': expected a whole number from 1 to %d", s, NN_MAX_ROWS);
    if ((s = OPT(S, val, "scale"))) {
        if (!strcmp(s, "none")) j->div = 1;
        else if (strcmp(s, "auto") && (parse_double(s, &j->div) || !(j->div > 0) || !isfinite((float)j->div)))
            return usage_error("train", "--scale '%s': expected auto, none or a positive number", s);
    }
    if ((s = OPT(S, val, "holdout")) && rows_option(s, &j->hold, &j->hfrac))
        return usage_error("train", "--holdout '%s': expected a row count or a fraction between 0 and 1", s);
    if ((s = OPT(S, val, "val")) && rows_option(s, &j->vrows, &j->vfrac))
        return usage_error("train", "--val '%s': expected a row count or a fraction between 0 and 1", s);
    if ((s = OPT(S, val, "every")) && (parse_size(s, NN_MAX_EPOCHS, &v) || v < 1))
        return usage_error("train", "--every '%s': expected a whole number of epochs from 1", s);
    j->ctl.every = s ? v : 1, j->ctl.ckpt = OPT(S, val, "checkpoint"), j->ctl.resume = resume;
    j->ctl.argc = argc, j->ctl.argv = argv, j->ctl.stop = &stop_signal, j->ctl.interrupted = 0;
    j->ctl.log = NULL, j->ctl.progress = isatty(STDERR_FILENO) ? 1 : 2;
    if (threads_option("train", OPT(S, val, "threads"), &j->nt)) return 2;
    j->o.quiet = OPT(S, val, "quiet") != NULL;
    if (csv_options("train", OPT(S, val, "label-col"), OPT(S, val, "header"), OPT(S, val, "sep"), OPT(S, val, "decimal"), LABEL_AUTO, &j->co)) return 2;
    { /* a table: --target, --ignore, --missing */
        static const char *const miss_names[MISS_COUNT] = {NULL, "mean", "drop", "error"};
        const char *lists[2] = {OPT(S, val, "target"), OPT(S, val, "ignore")};
        for (int k = 0; k < 2; k++) {
            const char *p = lists[k];
            if (p && (!*p || p[strlen(p) - 1] == ',' || strstr(p, ",,") || *p == ','))
                return usage_error("train", "--%s '%s': expected a comma-separated list of columns", k ? "ignore" : "target", p);
        }
        j->co.target = lists[0], j->co.ignore = lists[1], j->co.may_table = 1, j->co.category = OPT(S, val, "category");
        if ((s = OPT(S, val, "row-names")) && strcmp(s, "drop") && strcmp(s, "feature"))
            return usage_error("train", "--row-names '%s': expected drop or feature", s);
        j->co.row_names = s && !strcmp(s, "feature");
        if (j->co.target && OPT(S, val, "label-col"))
            return usage_error("train", "give --target (regression) or --label-col (classification), not both");
        if ((s = OPT(S, val, "missing")) && !(j->co.missing = name_id(miss_names, MISS_COUNT, s, strlen(s))))
            return usage_error("train", "--missing '%s': expected mean, drop or error", s);
    }
    memset(&j->N, 0, sizeof j->N);
    if ((s = OPT(S, val, "layers")) && spec_starts_with_layer(s)) j->spec_later = s; /* (train_network) */
    else if (s && parse_layers_opt(s, &j->N, 1, &err)) {
        fprintf(stderr, "%s: %s\n", progname, err.msg);
        return 2;
    }
    j->conv_net = s && spec_has_images(s);
    j->trainf = OPT(S, val, "train"), j->testf = OPT(S, val, "test");
    j->out = OPT(S, val, "out") ? OPT(S, val, "out") : "model.bin";
    if (!j->trainf) { /* the data shipped in data/, or fetched there */
        if (j->testf) return usage_error("train", "--test given without --train");
        if (file_exists("data/train-images-idx3-ubyte")) {
            j->trainf = "data/train-images-idx3-ubyte";
            if (file_exists("data/t10k-images-idx3-ubyte") && !OPT(S, val, "holdout")) j->testf = "data/t10k-images-idx3-ubyte";
        } else if (file_exists("data/train-images-idx3-ubyte.gz")) {
            j->trainf = "data/train-images-idx3-ubyte.gz";
            if (file_exists("data/t10k-images-idx3-ubyte.gz") && !OPT(S, val, "holdout")) j->testf = "data/t10k-images-idx3-ubyte.gz";
        } else if (file_exists("data/digits.csv")) {
            j->trainf = "data/digits.csv"; /* its label, the last column, is found by --label-col auto */
            if (!OPT(S, val, "holdout")) j->hold = 297; /* 1797 rows: 1500 train, 297 test */
        } else {
            fprintf(stderr, "%s: no --train given and no data in ./data; run nn from the project directory, "
                            "or give --train FILE\n", progname);
            return 2;
        }
        j->default_data = 1;
    }
    if (j->testf && OPT(S, val, "holdout")) return usage_error("train", "give --test or --holdout, not both");
    if (OPT(S, val, "test-labels") && !j->testf) return usage_error("train", "--test-labels given without --test");
    { /* a pipe or standard input can be read once */
        const char *ins[4] = {j->trainf, j->testf, OPT(S, val, "train-labels"), OPT(S, val, "test-labels")};
        static const char *const in[4] = {"--train", "--test", "--train-labels", "--test-labels"};
        if ((rc = distinct_streams("train", ins, in, 4))) return rc;
    }
    { /* every output can be written, and none is an input or another output: checked before any work */
        const char *outs[4] = {j->out, j->ctl.ckpt, OPT(S, val, "log"), OPT(S, val, "report")}, *ins[4] = {j->trainf, j->testf, OPT(S, val, "train-labels"), OPT(S, val, "test-labels")};
        static const char *const on[4] = {"--out", "--checkpoint", "--log", "--report"}, *const in[4] = {"--train", "--test", "--train-labels", "--test-labels"};
        const char *rp = OPT(S, val, "report");
        if (rp && (!strcmp(rp, "-") || (!has_suffix(rp, ".html") && !has_suffix(rp, ".htm"))))
            return usage_error("train", "--report '%s': give a file name ending in .html", rp);
        if (j->ctl.ckpt && !strcmp(j->ctl.ckpt, "-")) return usage_error("train", "--checkpoint cannot be standard output");
        if (!strcmp(j->out, "-") && isatty(STDOUT_FILENO))
            return usage_error("train", "--out -: standard output is a terminal; redirect it to a file or a pipe");
        for (int a = 0; a < 4; a++) {
            if (!outs[a]) continue;
            for (int b = a + 1; b < 4; b++)
                if (outs[b] && same_file(outs[a], outs[b]))
                    return usage_error("train", "%s and %s name the same file, %s", on[a], on[b], outs[a]);
            for (int b = 0; b < 4; b++)
                if (ins[b] && same_file(ins[b], outs[a]))
                    return usage_error("train", "%s %s would overwrite the %s file", on[a], outs[a], in[b]);
            if (check_output(outs[a], &err)) {
                report(&err);
                return 1;
            }
        }
    }
    if (!j->o.quiet) { /* options that would do nothing */
        static const char *const adam_only[] = {"beta1", "beta2", "epsilon", NULL};
        if (OPT(S, val, "every") && !j->ctl.ckpt) say("warning: --every has no effect without --checkpoint");
        if (OPT(S, val, "gamma") && j->o.schedule != SCHED_STEP && j->o.schedule != SCHED_EXP)
            say("warning: --gamma has no effect with the %s schedule (it is for step and exp)", sched_names[j->o.schedule]);
        if (OPT(S, val, "step") && j->o.schedule != SCHED_STEP) say("warning: --step has no effect without --schedule step");
        if (OPT(S, val, "momentum") && j->o.optimizer == OPT_ADAM) say("warning: --momentum has no effect with adam (see --beta1)");
        for (int k = 0; adam_only[k]; k++)
            if (OPT(S, val, adam_only[k]) && j->o.optimizer != OPT_ADAM) say("warning: --%s has no effect without --optimizer adam", adam_only[k]);
    }
    return 0;
}

/* Regression: each target's mean and deviation over the training rows
 * (a constant target gets deviation 1), with a warning for a constant
 * target and for one whose spread single precision cannot hold. */
static int target_stats(const Data *tr, const Table *tab, TargetMap *tm, int quiet)
{
    size_t K = tr->nt, c = 0;
    char tname[80]; /* target k's column, for the messages */
    tm->mean = malloc(K * sizeof(float)), tm->sd = malloc(K * sizeof(float)), tm->n = (uint32_t)K;
    if (!tm->mean || !tm->sd) {
        say("out of memory");
        return 1;
    }
    for (size_t k = 0; k < K; k++) {
        double m = 0, v = 0;
        for (size_t i = 0; i < tr->n; i++) m += tr->t[i * K + k];
        m /= (double)tr->n;
        for (size_t i = 0; i < tr->n; i++) v += (tr->t[i * K + k] - m) * (tr->t[i * K + k] - m);
        v = sqrt(v / (double)tr->n);
        tm->mean[k] = (float)m, tm->sd[k] = (float)v > 0 && isfinite((float)v) ? (float)v : 1.0f;
        while (c < tab->ncol && tab->col[c].kind != COL_TARGET) c++;
        if (c < tab->ncol) col_label(tab, c++, tname, sizeof tname);
        else snprintf(tname, sizeof tname, "%zu", k + 1); /* (a fold's copy of the rows has no table) */
        if (v > 0 && !((float)v > 0)) {
            say("%s: target %s varies by %.3g, less than single precision can hold; scale it up first", tr->name, tname, v);
            return 1;
        }
        if (quiet) continue;
        if (v == 0)
            say("warning: every training value of target %s is %.9g: a constant, so there is nothing to learn (is --target right?)", tname, m);
        else if (v < 1e-6 * fabs(m))
            say("warning: target %s varies by %.3g around %.9g, finer than single precision (7 digits) can hold; subtract an offset "
                "from it first", tname, v, m);
    }
    return 0;
}

/* What a set of defaults chose, said on one line: said() appends a
 * phrase, after ", " when there is one already. */
typedef struct {
    char buf[800];
    size_t n;
} Said;

static void said(Said *s, const char *fmt, ...)
{
    va_list ap;
    if (s->n && s->n + 2 < sizeof s->buf) memcpy(s->buf + s->n, ", ", 3), s->n += 2;
    va_start(ap, fmt);
    if (s->n < sizeof s->buf) s->n += (size_t)vsnprintf(s->buf + s->n, sizeof s->buf - s->n, fmt, ap);
    va_end(ap);
    if (s->n >= sizeof s->buf) s->n = sizeof s->buf - 1;
}

/* Whether a column of d takes more than two values (a number, not a flag
 * or a one-hot unit). */
static int has_numbers(const Data *d)
{
    for (size_t c = 0; d->xf && c < d->d; c++) {
        float a = d->xf[c], b = a;
        for (size_t r = 1; r < d->n; r++) {
            float v = d->xf[r * d->d + c];
            if (v == a || v == b) continue;
            if (a != b) return 1;
            b = v;
        }
    }
    return 0;
}

/* Settings for a table (a CSV file with names, categories or missing
 * values, or a regression), where the textbook's defaults -- sigmoid
 * units, plain SGD at eta 3, inputs divided by their largest value -- do
 * poorly: standardised inputs, a ReLU hidden layer of 64, Adam, a little
 * L2 regularisation (a few hundred rows overfit 64 units), and early
 * stopping on a fifth of the rows held out for validation -- except on a
 * table of at most 1000 rows, which trains on every row for 200 epochs
 * with more L2 (with five folds on the shared R tables: 82.6 against 78.1
 * on average, the validation rows of a small table choosing epochs by
 * noise).  Given 256 rows or more and a number column, each input also
 * goes in as 8 bins between its quantiles (pleKv: cars' held-out R^2 0.895
 * against 0.870 over four seeds; smaller tables lost by it).  Only settings not
 * given are chosen; what was chosen is said. */
static void table_defaults(TrainJob *j, const char **val)
{
    const OptSpec *S = train_opts;
    const Profile *P = &profiles[PROFILE_TABLE];
    Said sd = {"", 0};
    int small = j->tr.n <= P->small;
    if (!OPT(S, val, "layers")) {
        char bins[40] = "";
        j->table_net = 1;
        j->table_bins = P->bins && j->tr.n >= P->bins_rows && j->tr.d * (P->bins + 1) <= NN_MAX_WIDTH && has_numbers(&j->tr);
        if (j->table_bins) snprintf(bins, sizeof bins, "ple%zuv-", P->bins);
        said(&sd, "a %zu-%s%zu-%zu network of %s units with a %s output", j->tr.d, bins, P->width,
                               j->tr.t ? j->tr.nt : j->tr.nclass < 2 ? 2 : j->tr.nclass,
                               OPT(S, val, "hidden") ? OPT(S, val, "hidden") : act_name(P->hidden),
                               OPT(S, val, "output") ? OPT(S, val, "output") : j->tr.t ? "linear" : act_name(P->output));
        if (j->table_bins)
            said(&sd, "each input as its value and %zu bins between its quantiles (%zu rows, at least %zu, and a column of more "
                      "than two values)", P->bins, j->tr.n, P->bins_rows);
    } else if (!j->conv_net && j->N.nl >= 2) { /* --layers given: its layers without a named activation take the profile's */
        int hid = 0, out = !j->N.layer[j->N.nl - 1].act && !j->tr.t && j->N.size[j->N.nl - 1] > 1 && !OPT(S, val, "output");
        for (int l = 1; l + 1 < j->N.nl; l++) hid |= !j->N.layer[l].act && !OPT(S, val, "hidden");
        if (hid) j->hidden = P->hidden;
        if (out) j->output = P->output;
        if (hid || out)
            said(&sd, "%s%s%s%s%s (where --layers names none)", hid ? act_name(P->hidden) : "", hid ? " hidden layers" : "",
                 hid && out ? " and " : "", out ? "a " : "", out ? (P->output == ACT_SOFTMAX ? "softmax output" : act_name(P->output)) : "");
    }
    if (!OPT(S, val, "scale") && !OPT(S, val, "standardize") && P->standardize) {
        j->standardize = 1;
        said(&sd, "standardised inputs");
    }
    if (!OPT(S, val, "optimizer") && !OPT(S, val, "momentum") && !j->conv_net) { /* (a convolutional network's are conv_defaults') */
        j->o.optimizer = P->optimizer;
        j->o.momentum = 0;
        if (!OPT(S, val, "eta")) j->o.eta = P->eta_own;
        said(&sd, "%s at eta %g", opt_names[P->optimizer], (double)j->o.eta);
    } else if (!OPT(S, val, "eta") && !j->conv_net && P->eta[j->o.optimizer] > 0) { /* (the textbook's 3 or 0.1 diverge on standardised inputs) */
        j->o.eta = P->eta[j->o.optimizer]; /* (momentum 0.9 steps about ten times as far) */
        said(&sd, "eta %g", (double)j->o.eta);
    }
    if (!OPT(S, val, "batch") && !j->conv_net) {
        j->o.batch = P->batch;
        said(&sd, "batch %zu", P->batch);
    }
    if (!OPT(S, val, "lambda")) {
        j->o.lambda = small ? P->small_lambda : P->lambda;
        said(&sd, "L2 lambda %g", (double)j->o.lambda);
    }
    if (!OPT(S, val, "epochs")) { /* ("up to": when early stopping may end it sooner) */
        int stops = !OPT(S, val, "val") ? !small && j->tr.n >= 20 && P->val > 0 : (j->vrows || j->vfrac > 0) && OPT(S, val, "patience");
        j->o.epochs = small ? P->small_epochs : P->epochs;
        said(&sd, "%s%zu epochs", stops ? "up to " : "", j->o.epochs);
    }
    if (!OPT(S, val, "val") && small && P->val > 0)
        said(&sd, "every row trained on and the last epoch kept (%zu rows, at most %zu: a validation holdout of a table so small "
                  "stops at epochs chosen by noise)", j->tr.n, P->small);
    if (!OPT(S, val, "val") && !small && j->tr.n >= 20 && P->val > 0) {
        j->vfrac = P->val;
        if (!OPT(S, val, "patience")) j->o.patience = P->patience;
        char share[32] = "a fifth", stop[80] = "";
        if (P->val != 0.2) snprintf(share, sizeof share, "%g", P->val);
        if (!OPT(S, val, "patience")) snprintf(stop, sizeof stop, ", stopping after %zu epochs without a better one", P->patience);
        said(&sd, "%s of the rows held out for validation, the best epoch kept%s", share, stop);
    }
    if (sd.n && !j->o.quiet) {
        unsigned w = j->tr.table_why;
        char because[200] = "", asked[120] = "";
        static const char *const opts[] = {"target", "label-col", "ignore", "missing", "category", NULL};
        for (int k = 0; (w & TABLE_ASKED) && opts[k]; k++) { /* the options given that make it a table */
            if (!OPT(S, val, opts[k]) || (k == 1 && !j->co.label_name)) continue; /* (a --label-col by number is no table's) */
            snprintf(asked + strlen(asked), sizeof asked - strlen(asked), "%s--%s%s", asked[0] ? ", " : "", opts[k], k == 1 ? " NAME" : "");
        }
        if (asked[0]) snprintf(asked + strlen(asked), sizeof asked - strlen(asked), " given; ");
        if (w & ~(unsigned)TABLE_ROWNAMES)
            snprintf(because, sizeof because, ", for a table (%s%s%s%s%s)", asked, w & TABLE_TEXT ? "text columns; " : "",
                     w & TABLE_MISSING ? "missing values; " : "", w & TABLE_NAMES ? "a header of names; " : "",
                     j->tr.is_table ? "see the table above" : "the columns are numbers");
        else snprintf(because, sizeof because, ", for a regression");
        say("%s defaults%s: %s (give an option to choose otherwise)", w & ~(unsigned)TABLE_ROWNAMES ? "table" : "regression", because, sd.buf);
    }
}

/* A CSV of plain numbers keeps the textbook's settings: say which of them
 * were not given, and why the file is no table (no header of names, or
 * too wide a one, and no text or missing values). */
static void textbook_said(TrainJob *j, const char **val)
{
    const OptSpec *S = train_opts;
    const Profile *P = &profiles[PROFILE_TEXTBOOK];
    Said sd = {"", 0};
    if (!OPT(S, val, "layers"))
        said(&sd, "a %zu-%zu-%zu network of %s units", j->tr.d, P->width, j->tr.nclass < 2 ? 2 : j->tr.nclass,
             OPT(S, val, "hidden") ? OPT(S, val, "hidden") : act_name(P->hidden));
    if (!OPT(S, val, "optimizer") && !OPT(S, val, "momentum")) said(&sd, "%s", opt_names[j->o.optimizer]);
    if (!OPT(S, val, "eta")) said(&sd, "eta %g", (double)j->o.eta);
    if (!OPT(S, val, "batch")) said(&sd, "batch %zu", j->o.batch);
    if (!OPT(S, val, "epochs")) said(&sd, "%zu epochs", j->o.epochs);
    if (!OPT(S, val, "scale") && !OPT(S, val, "standardize"))
        said(&sd, "inputs divided by their largest absolute value (%g)", (double)(j->tr.maxabs > 0 ? j->tr.maxabs : 1.0f));
    int counting = j->tr.tab.ncol > 0;
    for (uint32_t c = 0; counting && c < j->tr.tab.ncol; c++) { /* pandas' 0, 1, 2 ... (the label's among them) */
        const char *h = j->tr.tab.col[c].name, *e = h ? h + strlen(h) : NULL;
        double v;
        counting = h && !scan_number(&h, e, &v) && h == e && v == (double)c;
    }
    if (sd.n)
        say("textbook defaults, for plain numbers (%s, no text or missing values): %s (give --standardize, an option, or a header "
            "naming the columns for the table defaults)", counting ? "a header of column numbers 0, 1, 2 ..., as pandas names an "
            "array's, not names" : j->tr.tab.ncol ? "more columns under the header than a table's" : "no header of names", sd.buf);
}

/* Settings for a convolutional network, where the textbook's sigmoid
 * units and SGD at eta 3 do poorly: as the literature's notation means
 * (and PyTorch reference scripts read it), ReLU hidden layers and
 * a softmax output, and SGD with momentum 0.9 at eta 0.05 on mini-batches
 * of 64 (eta 0.05 with any optimiser but Adam: the textbook's 3 diverges).
 * Only settings not given are chosen; what was chosen is said.  A table's
 * defaults leave the optimiser and the batch to these. */
static void conv_defaults(TrainJob *j, const char **val)
{
    const OptSpec *S = train_opts;
    const Profile *P = &profiles[PROFILE_CONV];
    Said sd = {"", 0};
    int unnamed_hidden = j->spec_later != NULL, unnamed_out = j->spec_later != NULL; /* (said only when they apply) */
    for (int l = 1; l < j->N.nl; l++)
        if (!j->N.layer[l].act) *(l + 1 < j->N.nl ? &unnamed_hidden : &unnamed_out) = 1;
    if (!OPT(S, val, "hidden")) {
        j->hidden = P->hidden;
        if (unnamed_hidden) said(&sd, "%s hidden layers", act_name(P->hidden));
    }
    if (!OPT(S, val, "output") && !j->tr.t) {
        j->output = P->output;
        if (unnamed_out) said(&sd, "a %s output", act_name(P->output));
    }
    if (!OPT(S, val, "optimizer")) {
        j->o.optimizer = P->optimizer;
        if (!OPT(S, val, "momentum")) j->o.momentum = P->momentum;
        said(&sd, "%s %g", opt_names[P->optimizer], (double)j->o.momentum);
    }
    if (!OPT(S, val, "eta") && P->eta[j->o.optimizer] > 0) { /* (the textbook's sgd at 3 diverges) */
        j->o.eta = P->eta[j->o.optimizer];
        said(&sd, "eta %g", (double)j->o.eta);
    }
    if (!OPT(S, val, "batch")) {
        j->o.batch = P->batch;
        said(&sd, "batch %zu", P->batch);
    }
    if (sd.n && !j->o.quiet) say("convolutional defaults: %s (unless named in --layers; give an option to choose otherwise)", sd.buf);
}

/* ======================================================================== */
/* @@drive nn train: data, network and run                                 */
/* ======================================================================== */

/* Row r of d's features as bytes (d->d elements of es bytes). */
static const uint8_t *row_bytes(const Data *d, size_t r)
{
    return d->x8 ? d->x8 + r * d->d : (const uint8_t *)(d->xf + r * d->d);
}

/* A hash of row r of d and its label from at most 64 of its bytes, spread
 * over the row (equal rows hash alike; the rest is settled by comparing). */
static uint64_t row_hash(const Data *d, size_t r, size_t bytes)
{
    const uint8_t *p = row_bytes(d, r);
    size_t step = bytes > 64 ? bytes / 64 : 1;
    uint64_t h = 1469598103934665603ULL ^ (d->y ? (uint64_t)(uint32_t)d->y[r] : 0);
    for (size_t i = 0; i < bytes; i += step) h = (h ^ p[i]) * 1099511628211ULL;
    return h;
}

/* How many rows of b are also rows of a (features and label, in any order):
 * a hash table of a's rows, each b row looked up and compared.  0 when
 * memory runs out (a note, not a check). */
static size_t rows_shared(const Data *a, const Data *b)
{
    size_t cap = 1, both = 0, bytes = a->d * (a->x8 ? 1 : sizeof(float)), *slot;
    if (!a->n || (a->x8 != NULL) != (b->x8 != NULL) || (a->y != NULL) != (b->y != NULL)) return 0;
    while (cap < 2 * a->n) cap *= 2;
    if (!(slot = malloc(cap * sizeof *slot))) return 0;
    for (size_t i = 0; i < cap; i++) slot[i] = SIZE_MAX;
    for (size_t r = 0; r < a->n; r++) {
        size_t h = (size_t)row_hash(a, r, bytes) & (cap - 1);
        while (slot[h] != SIZE_MAX) h = (h + 1) & (cap - 1);
        slot[h] = r;
    }
    for (size_t r = 0; r < b->n; r++)
        for (size_t h = (size_t)row_hash(b, r, bytes) & (cap - 1); slot[h] != SIZE_MAX;
             h = (h + 1) & (cap - 1))
            if ((!a->y || a->y[slot[h]] == b->y[r]) && !memcmp(row_bytes(a, slot[h]), row_bytes(b, r), bytes)) {
                both++;
                break;
            }
    free(slot);
    return both;
}

/* A label column nn chose itself (no --label-col) whose numbers do not look
 * like classes, as a pixel column would, is said with its figures: most
 * class numbers never occur (an error: -1), or one class holds nearly every
 * row (a warning). */
static int label_check(const Data *d)
{
    size_t *cnt = calloc(d->nclass ? d->nclass : 1, sizeof *cnt), present = 0, most = 0, top = 0;
    if (!cnt || d->n < 20) {
        free(cnt);
        return 0;
    }
    for (size_t r = 0; r < d->n; r++) cnt[d->y[r]]++;
    for (size_t k = 0; k < d->nclass; k++) {
        present += cnt[k] > 0;
        if (cnt[k] > most) {
            most = cnt[k];
            top = k;
        }
    }
    if ((d->nclass > 10 && present * 2 < d->nclass) || (double)most / (double)d->n >= 0.95)
        say("%s%s: the labels (column %zu, chosen as no --label-col was given) are %zu classes, %zu of them present, "
            "%.1f%% of the rows class %zu: is this column the label, or has the file none? give --label-col N for the "
            "column that holds the labels%s", d->nclass > 10 && present * 2 < d->nclass ? "" : "warning: ", d->name, d->lc,
            d->nclass, present, 100.0 * (double)most / (double)d->n, top,
            d->nclass > 10 && present * 2 < d->nclass ? " (nn does not train on labels it doubts)" : "");
    free(cnt);
    return d->nclass > 10 && present * 2 < d->nclass ? -1 : 0;
}

/* The training, test and validation data of j.  Returns 0 or 1. */
static int train_data(TrainJob *j, const char **val)
{
    const OptSpec *S = train_opts;
    Err err = {{0}, {0}};
    int rc;
    j->co.quiet = j->o.quiet;
    j->co.fill_later = 1; /* (fill_missing, once the rows trained on are known) */
    j->co.labels_opt = "--train-labels";
    j->co.flat = !j->spec_later && j->N.nl && !net_images(&j->N); /* (no spec: the images' shape may make the default network) */
    if (load_data(j->trainf, OPT(S, val, "train-labels"), &j->co, 1, &j->tr, &err)) {
        report(&err);
        return 1;
    }
    if (j->default_data && !j->o.quiet) say("training on %s (%zu rows)", j->tr.name, j->tr.n);
    if (!OPT(S, val, "label-col") && j->tr.lc && j->tr.y && !j->tr.names && label_check(&j->tr)) {
        data_free(&j->tr);
        return 1;
    }
    if (j->rows && j->rows < j->tr.n) { /* (the arrays keep their size; the rows past n are not read) */
        if (!j->o.quiet) say("%s: training on its first %zu of %zu rows (--rows)", j->tr.name, j->rows, j->tr.n);
        j->tr.n = j->rows;
    } else if (j->rows && !j->o.quiet) {
        say("warning: --rows %zu: %s has %zu rows; all are used", j->rows, j->tr.name, j->tr.n);
    }
    if ((j->tr.table_why & ~(unsigned)TABLE_ROWNAMES) || j->tr.t) /* (a regression on NumPy arrays is no table, but wants its defaults) */
        table_defaults(j, val);
    else if ((j->tr.lc || j->tr.is_table) && !j->conv_net && !j->o.quiet)
        textbook_said(j, val);
    if (!j->tr.is_table && !j->tr.lc && !j->o.quiet) { /* IDX or NumPy: the CSV options do nothing */
        static const char *const csv_only[] = {"label-col", "sep", "decimal", "header", "target", "ignore", "missing", NULL};
        for (int k = 0; csv_only[k]; k++)
            if (OPT(S, val, csv_only[k])) say("warning: --%s has no effect: %s is not CSV%s", csv_only[k], j->tr.name,
                                              !strcmp(csv_only[k], "missing") ? " (an array's NaN is an error: fill it first)" : "");
    }
    if (!j->tr.is_table && j->tr.x8 && !j->div && !j->standardize && !j->o.quiet) { /* bytes are divided by 255: are they pixels? */
        uint8_t mx = 0;
        for (size_t i = 0, cnt = j->tr.n * j->tr.d; i < cnt; i++) mx = j->tr.x8[i] > mx ? j->tr.x8[i] : mx;
        if (mx < 64)
            say("note: %s: its bytes go up to %u, and nn divides bytes by 255, as pixels; --scale %u would make them 0 to 1", j->tr.name, mx, mx ? mx : 1);
    }
    if (j->conv_net) conv_defaults(j, val);
    if (j->o.patience && !j->vrows && !j->vfrac) {
        data_free(&j->tr);
        return usage_error("train", "--patience needs --val");
    }
    memset(&j->te, 0, sizeof j->te), memset(&j->va, 0, sizeof j->va);
    rc = 0;
    if ((j->hold || j->hfrac) && split_rows(&j->tr, j->hold, j->hfrac, j->o.seed, &j->te, "--holdout", &err)) rc = 1;
    /* test labels map onto the training classes: names by name, numbers only onto numbers */
    j->co.names = j->tr.names, j->co.nnames = j->tr.nclass, j->co.numbered = !j->tr.names;
    if (j->co.label_col == LABEL_AUTO && j->tr.lc) j->co.label_col = (int)j->tr.lc; /* the column found in --train */
    j->co.tab = j->tr.tab.ncol ? &j->tr.tab : NULL; /* --test is read through the training table (or its names), */
    j->co.may_table = 0;                            /* or as plain numbers */
    if (j->co.tab) j->co.label_col = LABEL_AUTO, j->co.label_name = NULL; /* (the table knows its label: --label-col was the
                                                                              * training file's) */
    j->co.task = j->tr.t ? TASK_REGRESS : TASK_CLASSIFY; /* (NumPy test labels are read as the training ones were) */
    j->co.labels_opt = "--test-labels";
    if (!rc && j->testf && load_data(j->testf, OPT(S, val, "test-labels"), &j->co, 1, &j->te, &err)) rc = 1;
    if (rc) {
        report(&err);
        return 1;
    }
    if (j->testf && !j->o.quiet && j->te.n && j->te.d == j->tr.d) {
        size_t both = rows_shared(&j->tr, &j->te);
        if (both * 2 >= j->te.n)
            say("warning: %zu of the %zu rows of %s (%.0f%%) are rows of %s too: its accuracy says how well the network "
                "remembers them, not how it does on data it has not seen (give a test set of other rows, or --holdout)",
                both, j->te.n, j->te.name, 100.0 * (double)both / (double)j->te.n, j->tr.name);
    }
    return 0;
}

/* --val: hold out j's validation rows from its training rows.  0 or 1. */
static int train_val(TrainJob *j)
{
    Err err = {{0}, {0}};
    if ((j->vrows || j->vfrac) && split_rows(&j->tr, j->vrows, j->vfrac, j->o.seed ^ STREAM_VAL, &j->va, "--val", &err)) {
        report(&err);
        return 1;
    }
    return 0;
}

static int train_network(TrainJob *j, const char **val);

/* train_run, and with --ensemble K the members after the first: N, set up
 * by train_network, trains as member 1; each member e after it from its
 * own seed (--seed + e x STREAM_MEMBER: its initial weights, fitted state,
 * order and dropout) on the same rows.  N then holds the ensemble (its
 * members' parameters one after another), M the first member's epochs, and
 * res the ensemble's validation and test figures (said on stderr beside
 * each member's unless quiet).  A stop request keeps the members done (one
 * member: no ensemble); a member that fails fails the run, with nothing to
 * keep (res->setup).  Returns as train_run. */
static int train_members(Net *N, Meta *M, const Data *tr, const Data *va, const Data *te, const TrainOpt *o, Pool *pl,
                         TrainResult *res, TrainCtl *ctl, int quiet, Err *err)
{
    size_t E = o->ensemble > 1 ? o->ensemble : 1, done = 1, nL = N->size[N->nl - 1];
    const Data *fd = te ? te : va; /* the rows each member's figure is on */
    double fig[NN_MAX_MEMBERS], secs;
    uint32_t done0, kept0;
    TrainResult r0;
    float *all, *out = NULL;
    int32_t *pred = NULL;
    int rc = train_run(N, M, tr, va, te, o, pl, res, ctl, err);
    if (rc || E == 1 || ctl->interrupted) return rc;
    if (!(all = alloc_floats2(E, N->nparam))) return fail(err, NULL, "out of memory for an ensemble of %zu networks", E);
    memcpy(all, N->param, N->nparam * sizeof(float));
    r0 = *res, secs = res->seconds, done0 = M->epochs_done, kept0 = M->kept_epoch;
    fig[0] = te ? res->final_acc : va ? res->val_acc : NAN;
    for (size_t e = 1; e < E && !rc && !ctl->interrupted; e++) {
        TrainOpt oe = *o;
        Rng r;
        oe.seed = o->seed + e * STREAM_MEMBER;
        rng_seed(&r, oe.seed);
        net_init(N, o->init, &r);
        if (net_fit(N, &M->in, tr)) rc = fail(err, NULL, "out of memory");
        else if (!quiet) say("ensemble: member %zu of %zu", e + 1, E);
        if (!rc && (rc = train_run(N, M, tr, va, te, &oe, pl, res, ctl, err)) != 0) {
            char m[sizeof err->msg];
            snprintf(m, sizeof m, "%s", err->msg);
            snprintf(err->msg, sizeof err->msg, "ensemble member %zu of %zu: %.400s", e + 1, E, m);
            res->setup = 1;
        }
        if (rc || ctl->interrupted) break; /* (a member stopped part way is not kept) */
        memcpy(all + e * N->nparam, N->param, N->nparam * sizeof(float));
        fig[e] = te ? res->final_acc : va ? res->val_acc : NAN, secs += res->seconds, done++;
    }
    free(N->param);
    N->param = all, N->members = done > 1 ? (int)done : 0;
    M->epochs_done = done0, M->kept_epoch = kept0;
    if (rc) return rc;
    *res = r0, res->seconds = secs;
    if (done > 1 && (va || te)) { /* the ensemble's own figures */
        Infer I;
        Score sc;
        size_t n = (va && te ? (va->n > te->n ? va->n : te->n) : fd->n);
        if (!(out = alloc_floats2(n ? n : 1, nL)) || !(pred = alloc_array(n ? n : 1, sizeof *pred)) ||
            infer_init(&I, N, &M->in, pl->nt, err)) {
            free(out), free(pred);
            return fail(err, NULL, "out of memory");
        }
        if (va) evaluate(pl, &I, N, va, out, pred, &sc), res->val_acc = sc.metric;
        if (te) evaluate(pl, &I, N, te, out, pred, &sc), res->final_acc = sc.metric;
        infer_free(&I);
        free(out), free(pred);
        if (!quiet) {
            char f1[64], list[400];
            size_t at = 0;
            for (size_t e = 0; e < done && at + 1 < sizeof list; e++)
                at += (size_t)snprintf(list + at, sizeof list - at, "%s%s", e ? ", " : "",
                                       metric_text(N, fig[e], f1, sizeof f1) + strlen(TASK(N)->label) + 1);
            say("ensemble of %zu networks: %s %s; its members alone: %s", done, te ? "test" : "validation",
                metric_text(N, te ? res->final_acc : res->val_acc, f1, sizeof f1), list);
        }
    }
    return 0;
}

/* --class-weight balanced: each class c's weight n / (C n_c) over the C
 * classes present among the n rows of tr, as scikit-learn's (cw has
 * tr->nclass weights; a class without rows keeps its weight). */
static void balance_classes(const Data *tr, float *cw)
{
    size_t C = tr->nclass, present = 0, *cnt = calloc(C ? C : 1, sizeof *cnt);
    if (!cnt) return; /* (the weights of all the rows, computed before: as good as can be) */
    for (size_t i = 0; i < tr->n; i++) cnt[tr->y[i]]++;
    for (size_t c = 0; c < C; c++) present += cnt[c] > 0;
    for (size_t c = 0; c < C; c++)
        if (cnt[c]) cw[c] = (float)((double)tr->n / ((double)present * (double)cnt[c]));
    free(cnt);
}

/* --folds K: K-fold cross-validation.  Row i (from 0, in file order) is in
 * fold i mod K -- so each fold samples the whole file, sorted or not, and a
 * fold can be cut out by hand (awk 'NR % K == ...'); for each, a network
 * is trained as the final one will be (the same settings, --val held out of
 * its own training rows) on the other folds and scored on it.  Prints each
 * fold's figure and their mean and sample standard deviation on stderr,
 * even with --quiet (they are what was asked for).  The final model is
 * trained afterwards, on all the rows.  Returns 0, 1 or 2. */
static int train_folds(TrainJob *j, const char **val, const Net *spec)
{
    size_t K = j->folds, n = j->tr.n, *idx = alloc_array(n, sizeof(size_t));
    double *m1 = calloc(2 * K, sizeof *m1), *m2 = m1 ? m1 + K : NULL;
    int rc = 0, quiet = j->o.quiet, small = 0;
    Pool *pl = NULL;
    Err err = {{0}, {0}};
    struct sigaction old_int, old_term;
    if (!idx || !m1 || !(pl = pool_new(j->nt))) {
        free(idx), free(m1);
        say("out of memory");
        return 1;
    }
    if (K > n) {
        free(idx), free(m1), pool_free(pl);
        return usage_error("train", "--folds %zu, but %s has %zu rows", K, j->tr.name, n);
    }
    if (j->cw_balanced && !quiet) say("class weights in the cost: balanced over each fold's training rows");
    catch_stops(&old_int, &old_term); /* SIGINT and SIGTERM stop the folds, with a message */
    for (size_t k = 0; k < K && !rc; k++) {
        size_t nin = 0, nout = n; /* idx: the other folds' rows from the front, this fold's from the back, in file order */
        TrainJob f = *j;
        TrainResult res;
        Infer I;
        Score sc;
        float *out = NULL, *fcw = NULL;
        int32_t *pred = NULL;
        memset(&f.tr, 0, sizeof f.tr), memset(&f.te, 0, sizeof f.te), memset(&f.va, 0, sizeof f.va), memset(&f.M, 0, sizeof f.M);
        f.N = *spec, f.o.quiet = 1, f.ctl.ckpt = NULL, f.ctl.log = NULL, f.ctl.resume = NULL, f.ctl.progress = 0;
        f.cnames.names = NULL; /* (j's: the fold gets a copy below) */
        f.ctl.stop = &stop_signal, f.ctl.interrupted = 0;
        for (size_t r = 0; r < n; r++)
            if (r % K != k) idx[nin++] = r;
        for (size_t r = n; r-- > 0;)
            if (r % K == k) idx[--nout] = r;
        if (data_pick(&j->tr, idx, nin, "training", &f.tr, &err) || data_pick(&j->tr, idx + nin, n - nin, "fold", &f.te, &err))
            rc = 1;
        if (!rc && j->cnames.names) { /* the fold's model takes its own copy of --class-names (j keeps its own) */
            int ok = 1;
            f.cnames.names = names_dup(j->cnames.names, j->cnames.n, &ok);
            if (!ok) rc = fail(&err, NULL, "out of memory");
        }
        if (!rc && (rc = train_val(&f)) == 0)
            fill_missing(&j->tr.tab, 0, &f.tr, &f.va, &f.te);
        if (!rc && (rc = train_network(&f, val)) == 0) {
            f.tr.cw = j->cw;
            if (j->cw_balanced && (fcw = malloc(f.tr.nclass * sizeof *fcw))) /* this fold's training rows' balance */
                memcpy(fcw, j->cw, f.tr.nclass * sizeof *fcw), balance_classes(&f.tr, fcw), f.tr.cw = fcw;
            rc = train_members(&f.N, &f.M, &f.tr, f.va.n ? &f.va : NULL, &f.te, &f.o, pl, &res, &f.ctl, 1, &err) ? 1 : 0;
            if (!rc && (f.ctl.interrupted || stop_signal)) {
                say("%s: cross-validation stopped in fold %zu of %zu; no model written", stop_signal == SIGTERM ? "SIGTERM" : "SIGINT",
                    k + 1, K);
                rc = 128 + (stop_signal ? stop_signal : SIGINT);
            }
            out = alloc_floats(f.te.n * f.N.size[f.N.nl - 1]), pred = alloc_array(f.te.n, sizeof *pred);
            if (!rc && (!out || !pred)) rc = fail(&err, NULL, "out of memory");
            if (!rc && infer_init(&I, &f.N, &f.M.in, pl->nt, &err)) rc = 1;
            if (!rc) {
                char fig[64];
                evaluate(pl, &I, &f.N, &f.te, out, pred, &sc);
                infer_free(&I);
                m1[k] = sc.metric, m2[k] = sc.rmse;
                TASK(&f.N)->show(&sc, f.te.n, 1, fig, sizeof fig);
                if (j->tr.t && f.te.n < 2) /* R^2 of one row is undefined */
                    snprintf(fig, sizeof fig, "RMSE %.4g (R^2 needs 2 rows)", sc.rmse), small = 1;
                say("fold %zu/%zu: %s (%zu row%s; %zu training, epoch %zu kept)", k + 1, K, fig, f.te.n, plural(f.te.n), f.tr.n,
                    res.saved_epoch ? res.saved_epoch : (size_t)f.M.epochs_done);
            }
            if (rc == 1 && err.msg[0]) report(&err);
        } else if (rc == 1 && err.msg[0]) {
            report(&err);
        }
        free(out), free(pred), free(fcw);
        f.cw = NULL; /* (j's, copied with it: freed with j) */
        job_free(&f);
    }
    if (!rc) { /* the mean and the sample deviation */
        double mu[2] = {0, 0}, sd[2] = {0, 0};
        for (size_t k = 0; k < K; k++) mu[0] += m1[k] / (double)K, mu[1] += m2[k] / (double)K;
        for (size_t k = 0; k < K; k++)
            sd[0] += (m1[k] - mu[0]) * (m1[k] - mu[0]) / (double)(K - 1), sd[1] += (m2[k] - mu[1]) * (m2[k] - mu[1]) / (double)(K - 1);
        if (j->tr.t && small)
            say("%zu folds: RMSE %.4g +- %.4g (mean +- standard deviation; R^2 is undefined for folds of one row)", K, mu[1], sqrt(sd[1]));
        else if (j->tr.t)
            say("%zu folds: R^2 %.4f +- %.4f, RMSE %.4g +- %.4g (mean +- standard deviation)", K, mu[0], sqrt(sd[0]), mu[1], sqrt(sd[1]));
        else
            say("%zu folds: accuracy %.2f%% +- %.2f%% (mean +- standard deviation)", K, 100 * mu[0], 100 * sqrt(sd[0]));
        if (!quiet && (j->vfrac > 0 || j->vrows)) /* (as each fold, it holds some out for validation) */
            say("now the final model, on all %zu rows (as in each fold, %s of them held out to choose its epoch)", n,
                j->vrows ? "--val" : "a share");
        else if (!quiet)
            say("now the final model, on all %zu rows", n);
    }
    release_stops(&old_int, &old_term);
    free(idx), free(m1), pool_free(pl);
    return rc;
}

/* The network of j (from --layers or the defaults), checked against the
 * data, laid out and initialised, and the model's input map and class
 * names.  Returns 0, 1 or 2. */
static int train_network(TrainJob *j, const char **val)
{
    const OptSpec *S = train_opts;
    const char *s, *why;
    char whybuf[256];
    Err err = {{0}, {0}};
    int rc = 0;
    size_t nout = j->tr.t ? j->tr.nt : j->tr.nclass < 2 ? (size_t)2 : j->tr.nclass;
    if (j->spec_later) { /* "20c5-mp2-100-10": the input is the IDX images' shape */
        if (!j->tr.shape[0]) {
            fprintf(stderr, "%s: layer spec '%s': give the input's shape first, channels x height x width (like 1x28x28-%s); "
                    "nn takes it from the file only for IDX images of rank 3 or 4 (items x height x width [x channels])\n", progname, j->spec_later, j->spec_later);
            return 2;
        }
        if (parse_layers_shape(j->spec_later, j->tr.shape, &j->N, 1, &err)) {
            fprintf(stderr, "%s: %s\n", progname, err.msg);
            return 2;
        }
    }
    if (!j->N.nl) { /* default: one hidden layer, as the profile says */
        char spec[64];
        const Profile *P = &profiles[j->table_net ? PROFILE_TABLE : PROFILE_TEXTBOOK];
        if (j->table_bins) snprintf(spec, sizeof spec, "%zu-ple%zuv-%zu-%zu", j->tr.d, P->bins, P->width, nout);
        else snprintf(spec, sizeof spec, "%zu-%zu-%zu", j->tr.d, P->width, nout);
        if (parse_layers_opt(spec, &j->N, 1, &err)) {
            report(&err);
            rc = 1;
        }
    }
    for (int l = 1; !rc && l < j->N.nl; l++) { /* activations not named in the spec */
        const Profile *P = &profiles[j->table_net ? PROFILE_TABLE : PROFILE_TEXTBOOK];
        if (!j->N.layer[l].act)
            j->N.layer[l].act = l + 1 < j->N.nl ? (j->hidden ? j->hidden : P->hidden)
                              : (j->output ? j->output : j->tr.t ? ACT_LINEAR : nout > 1 ? P->output : ACT_SIGMOID);
    }
    j->N.cost = j->N.layer[j->N.nl - 1].act == ACT_SOFTMAX ? COST_LOGLIK : COST_QUADRATIC;
    if ((s = OPT(S, val, "cost")) && !(j->N.cost = name_id(cost_names, COST_COUNT, s, strlen(s)))) {
        return usage_error("train", "--cost '%s': expected quadratic, cross-entropy or log-likelihood", s);
    }
    if (!rc && j->tr.t) { /* regression: one output per target, the quadratic cost */
        int out = j->N.layer[j->N.nl - 1].act;
        j->N.task = TASK_REGRESS;
        if (j->N.size[j->N.nl - 1] != j->tr.nt) {
            fprintf(stderr, "%s: the output layer has %zu neuron%s, but there %s %zu target%s (--target)\n", progname,
                    j->N.size[j->N.nl - 1], plural(j->N.size[j->N.nl - 1]), j->tr.nt == 1 ? "is" : "are", j->tr.nt, plural(j->tr.nt));
            return 2;
        }
        if (j->N.cost != COST_QUADRATIC || out == ACT_SOFTMAX)
            return usage_error("train", "a regression (--target) takes the quadratic cost and a linear, tanh, sigmoid, relu or leaky output, not %s",
                               out == ACT_SOFTMAX ? "softmax" : cost_names[j->N.cost]);
    }
    if (!rc && (why = net_check(&j->N, whybuf, sizeof whybuf))) {
        fprintf(stderr, "%s: %s\n", progname, why);
        rc = 2;
    }
    if (!rc && j->bn_mom > 0) { /* batch normalisation's running averages */
        int any = 0;
        for (int l = 1; l < j->N.nl; l++)
            if (LK(&j->N, l)->flags & KIND_SUMS) j->N.layer[l].mom = j->bn_mom, any = 1;
        if (!any && !j->o.quiet) say("warning: --bn-momentum has no effect: the network has no batch normalisation (bn)");
    }
    for (int l = 1; l < j->N.nl && !rc && j->o.batch == 1; l++) /* (a map has its pixels: a mini-batch of one image has a variance) */
        if ((LK(&j->N, l)->flags & KIND_SUMS) && j->N.layer[l].oh * j->N.layer[l].ow == 1)
            return usage_error("train", "--batch 1 with batch normalisation of single values (part %d of --layers, after a dense layer): a "
                                        "mini-batch of one row has no variance, so bn would give its beta alone; give --batch 2 or more", l + 1);
    if (!OPT(S, val, "init")) { /* the textbook's N(0,1) for all-sigmoid networks, else per layer */
        int allsig = 1;
        for (int l = 1; l < j->N.nl; l++) allsig &= j->N.layer[l].act == ACT_SIGMOID || (LK(&j->N, l)->flags & KIND_NO_ACT);
        j->o.init = allsig ? INIT_NORMAL : 0;
    }
    if (!rc && !j->o.quiet && j->o.dropout > 0) {
        int droppable = 0;
        for (int l = 1; l < j->N.nl - 1; l++) droppable |= (LK(&j->N, l)->flags & KIND_DROPOUT) != 0;
        if (!droppable) say("warning: --dropout has no effect: the network has no hidden dense layer");
    }
    if (!rc && j->o.augment) { /* the images' shape: the network's input, or the IDX file's */
        const size_t *sh = net_images(&j->N) ? j->N.shape[0] : j->tr.shape[0] ? j->tr.shape : NULL;
        if (!sh || sh[0] * sh[1] * sh[2] != j->tr.d)
            return usage_error("train", "--augment needs images: give the input's shape in --layers (like 1x28x28-100-10), or train on IDX images");
        if ((j->o.augment & 0xff) >= sh[1] || (j->o.augment & 0xff) >= sh[2])
            return usage_error("train", "--augment shift:%u is not smaller than the %zux%zu images", j->o.augment & 0xff, sh[1], sh[2]);
        memcpy(j->o.img, sh, sizeof j->o.img);
    }
    if (!rc && j->N.size[0] != j->tr.d) {
        fprintf(stderr, "%s: --layers has %zu inputs, but %s has %zu features per row%s\n", progname, j->N.size[0], j->tr.name, j->tr.d,
                j->tr.is_table ? " (after one-hot encoding: see the table's notice above)" : "");
        rc = 2;
    }
    if (!rc && shape_clash(&j->N, j->tr.shape, whybuf, sizeof whybuf)) {
        fprintf(stderr, "%s: --layers takes %zux%zux%zu images, but %s holds %zux%zux%zu ones (give its shape, or leave the shape out "
                "and nn takes it from the file)\n", progname, j->N.shape[0][0], j->N.shape[0][1], j->N.shape[0][2], j->tr.name,
                j->tr.shape[0], j->tr.shape[1], j->tr.shape[2]);
        rc = 2;
    }
    if (!rc && j->te.n && j->tr.shape[0] && j->te.shape[0] && memcmp(j->tr.shape, j->te.shape, sizeof j->tr.shape)) {
        fprintf(stderr, "%s: %s holds %zux%zux%zu images, but %s %zux%zux%zu ones\n", progname, j->te.name, j->te.shape[0],
                j->te.shape[1], j->te.shape[2], j->tr.name, j->tr.shape[0], j->tr.shape[1], j->tr.shape[2]);
        rc = 1;
    }
    if (!rc && j->te.n && j->te.d != j->tr.d) {
        fprintf(stderr, "%s: %s has %zu features per row, but %s has %zu\n", progname, j->te.name, j->te.d, j->tr.name, j->tr.d);
        rc = 1;
    }
    if (!rc && net_classes(&j->N) < (j->tr.nclass > j->te.nclass ? j->tr.nclass : j->te.nclass)) {
        size_t k = j->tr.nclass > j->te.nclass ? j->tr.nclass : j->te.nclass;
        fprintf(stderr, "%s: the output layer has %zu neuron%s, but the labels go up to %zu (%zu classes)\n", progname,
                j->N.size[j->N.nl - 1], plural(j->N.size[j->N.nl - 1]), k - 1, k);
        rc = 2;
    }
    /* names: one output per class (two classes may share one output; a
     * single class, which the warning below reports, gets any of 1 or 2) */
    if (!rc && j->tr.names && j->N.size[j->N.nl - 1] != j->tr.nclass && !(j->tr.nclass <= 2 && j->N.size[j->N.nl - 1] <= 2)) {
        fprintf(stderr, "%s: the labels are %zu class names, so the output layer needs %zu neuron%s%s, not %zu\n", progname,
                j->tr.nclass, j->tr.nclass, plural(j->tr.nclass), j->tr.nclass == 2 ? " (or 1)" : "", j->N.size[j->N.nl - 1]);
        rc = 2;
    }
    if (!rc && !j->o.quiet && j->tr.y) { /* a single class: nothing to learn; often the wrong --label-col */
        size_t r = 1;
        while (r < j->tr.n && j->tr.y[r] == j->tr.y[0]) r++;
        if (r == j->tr.n) {
            char cls[80];
            if (j->tr.names) snprintf(cls, sizeof cls, "'%.60s'", j->tr.names[j->tr.y[0]]);
            else snprintf(cls, sizeof cls, "%d", (int)j->tr.y[0]);
            say("warning: every training label is %s: a single class, so there is nothing to learn (is --label-col right?)", cls);
        }
    }
    if (!rc && (net_layout(&j->N, &err) || net_alloc(&j->N, &err))) {
        report(&err);
        rc = 1;
    }
    if (rc) {
        return rc;
    }
    memset(&j->M, 0, sizeof j->M);
    j->M.in.div = (float)(j->div > 0 ? j->div : j->tr.x8 ? 255.0 : j->tr.maxabs > 0 ? j->tr.maxabs : 1.0);
    if (j->te.n && j->tr.n && !j->o.quiet && !j->tr.is_table) { /* --test in other units than --train? */
        float a = data_max(&j->tr), b = data_max(&j->te);
        if (a > 0 && b > 0 && (b * 20 < a || b > 20 * a))
            say("warning: %s: its values go up to %g, but the training data's go up to %g: are both in the same units?", j->te.name, (double)b, (double)a);
    }
    j->M.eta = j->o.eta, j->M.batch = (uint32_t)j->o.batch, j->M.epochs = (uint32_t)j->o.epochs, j->M.seed = j->o.seed;
    j->M.init = (uint32_t)j->o.init, j->M.optimizer = (uint32_t)j->o.optimizer, j->M.schedule = (uint32_t)j->o.schedule;
    j->M.step = (uint32_t)j->o.step, j->M.val_rows = (uint32_t)j->va.n, j->M.patience = (uint32_t)j->o.patience;
    j->M.momentum = j->o.momentum, j->M.lambda = j->o.lambda, j->M.dropout = j->o.dropout, j->M.gamma = j->o.gamma;
    j->M.beta1 = j->o.beta1, j->M.beta2 = j->o.beta2, j->M.epsilon = j->o.epsilon, j->M.augment = j->o.augment;
    if (j->standardize && input_stats(&j->tr, &j->M.in)) return 1;
    if (j->tr.tab.ncol) j->M.tab = j->tr.tab, memset(&j->tr.tab, 0, sizeof j->tr.tab); /* the model keeps the table (or the names) */
    if (j->tr.t && target_stats(&j->tr, &j->M.tab, &j->M.out, j->o.quiet)) return 1;
    j->tr.tm = j->va.tm = j->te.tm = &j->M.out;
    if (j->tr.names && OPT(train_opts, val, "class-names")) {
        fprintf(stderr, "%s: --class-names: the labels in %s are names already (%s, ...)\n", progname, j->tr.name, j->tr.names[0]);
        return 2;
    } else if (j->tr.names) { /* CSV labels were names: the model keeps them */
        int ok = 1;
        j->M.names = names_dup(j->tr.names, j->tr.nclass, &ok), j->M.nnames = (uint32_t)j->tr.nclass;
        if (!ok) {
            say("out of memory");
            return 1;
        }
    } else if (OPT(train_opts, val, "class-names") && j->N.task == TASK_REGRESS) {
        fprintf(stderr, "%s: --class-names is for classes; this is a regression\n", progname);
        return 2;
    } else if (OPT(train_opts, val, "class-names")) { /* names for numbered classes */
        size_t k = net_classes(&j->N);
        if (j->cnames.n != k) {
            fprintf(stderr, "%s: --class-names %s: %zu name%s for %zu classes (the labels go from 0 to %zu)\n", progname,
                    OPT(train_opts, val, "class-names"), j->cnames.n, plural(j->cnames.n), k, k - 1);
            return 2;
        }
        j->M.names = j->cnames.names, j->M.nnames = (uint32_t)k, j->M.numbered = 1;
        j->cnames.names = NULL, j->cnames.n = 0;
    }
    {
        Rng r;
        rng_seed(&r, j->o.seed);
        net_init(&j->N, j->o.init, &r);
        if (net_fit(&j->N, &j->M.in, &j->tr)) {
            say("out of memory");
            return 1;
        }
    }
    if (!j->o.quiet) {
        char vr[64] = "";
        if (j->va.n) snprintf(vr, sizeof vr, ", %zu validation row%s", j->va.n, plural(j->va.n));
        say("%s: %zu-layer network, %zu parameters, %zu training row%s%s, %s kernels, %d thread%s", j->out, (size_t)j->N.nl,
            net_count(&j->N), j->tr.n, plural(j->tr.n), vr, NN_SIMD, j->nt, plural((size_t)j->nt));
    }
    if (!rc && j->ctl.resume && j->ctl.resume->epochs_done >= j->o.epochs && !j->ctl.resume->batch_next)
        say("%s: the run had finished all %zu epoch%s; nothing to train, its model is written again", j->ctl.ckpt, j->o.epochs,
            plural(j->o.epochs));
    return 0;
}

/* Train j's network and save the model (also after a stop request, or the
 * last good epoch after divergence).  Returns the exit status. */
static int train_go(TrainJob *j, const char **val)
{
    const OptSpec *S = train_opts;
    const char *s;
    Err err = {{0}, {0}};
    Pool *pl;
    TrainResult res;
    struct sigaction old_int, old_term;
    Page *page = NULL;
    int rc;
    pl = pool_new(j->nt);
    if (!pl) {
        say("out of memory starting threads");
        return 1;
    }
    if ((s = OPT(S, val, "log")) && !strcmp(s, "-")) j->ctl.log = stdout;
    else if (s && !(j->ctl.log = fopen(s, j->ctl.resume ? "a" : "w"))) {
        say("%s: cannot write the log: %s", s, strerror(errno));
        pool_free(pl);
        return 1;
    }
    if (OPT(S, val, "report")) {
        if (!(page = page_new(OPT(S, val, "report"), j->out, j->tr.name, j->tr.n, j->te.n > 0))) {
            say("out of memory");
            pool_free(pl);
            return 1;
        }
        j->ctl.watch = page_watch, j->ctl.watch_ctx = page;
    }
    catch_stops(&old_int, &old_term);
    j->tr.cw = j->cw;
    rc = train_members(&j->N, &j->M, &j->tr, j->va.n ? &j->va : NULL, j->te.n ? &j->te : NULL, &j->o, pl, &res, &j->ctl, j->o.quiet,
                       &err);
    release_stops(&old_int, &old_term);
    page_free(page);
    pool_free(pl);
    if (j->ctl.log && (j->ctl.log == stdout ? fflush(stdout) : fclose(j->ctl.log)) != 0 && !rc) {
        rc = fail(&err, OPT(S, val, "log"), "error writing the log: %s", strerror(errno));
    }
    if (!rc && j->ctl.interrupted) {
        int sig = stop_signal;
        if (model_save(j->out, &j->N, &j->M, &err)) {
            report(&err);
        } else {
            say("%s: saved %s to %s%s%s", sig == SIGTERM ? "SIGTERM" : "SIGINT",
                j->va.n && res.saved_epoch ? "the model of the best validation epoch so far" : "the model as trained so far",
                j->out, j->ctl.ckpt ? "; continue with: nn train --resume " : "; to be able to resume a run, start it with --checkpoint FILE",
                j->ctl.ckpt ? j->ctl.ckpt : "");
        }
        return 128 + (sig ? sig : SIGINT);
    }
    if (rc) {
        Err e2;
        report(&err);
        if (res.setup) {
            /* nothing was trained: nothing more to say */
        } else if (!j->M.epochs_done) say("no model was saved: no epoch finished well%s", file_exists(j->out) ? "; the old one is kept" : "");
        else if (model_save(j->out, &j->N, &j->M, &e2)) report(&e2);
        else say("saved the model of epoch %u (the last before it went wrong) to %s", j->M.epochs_done, j->out);
        return 1;
    }
    rc = model_save(j->out, &j->N, &j->M, &err);
    if (rc) report(&err);
    else if (!j->o.quiet) {
        char kept[160] = "", f1[64], f2[64];
        const char *kind = j->o.by_loss ? "loss" : TASK(&j->N)->kept, *label = TASK(&j->N)->label;
        if (j->va.n && !strcmp(kind, label)) /* "the best validation accuracy, 95.60%" */
            snprintf(kept, sizeof kept, "the model of epoch %zu (the best validation %s, %s), ", res.saved_epoch, kind,
                     metric_text(&j->N, res.val_acc, f1, sizeof f1) + strlen(label) + 1);
        else if (j->va.n)
            snprintf(kept, sizeof kept, "the model of epoch %zu (the best validation %s; validation %s), ", res.saved_epoch, kind,
                     metric_text(&j->N, res.val_acc, f1, sizeof f1));
        if (j->N.members > 1) /* (its figures are the mean network's; each member kept its own epoch) */
            say("saved %s (an ensemble of %d networks%s)%s%s%s%s, %.2f s", j->out, j->N.members,
                j->va.n ? ", each at its best validation epoch" : "", j->va.n ? ": validation " : "",
                j->va.n ? metric_text(&j->N, res.val_acc, f1, sizeof f1) : "", j->te.n ? (j->va.n ? ", test " : ": test ") : "",
                j->te.n ? metric_text(&j->N, res.final_acc, f2, sizeof f2) : "", res.seconds);
        else if (j->te.n && j->va.n) /* (the test set chose nothing: no best test epoch to show) */
            say("saved %s%s: test %s, %.2f s", kept, j->out, metric_text(&j->N, res.final_acc, f1, sizeof f1), res.seconds);
        else if (j->te.n)
            say("saved %s%s: test %s (best epoch %s at epoch %zu), %.2f s", kept, j->out, metric_text(&j->N, res.final_acc, f1, sizeof f1),
                metric_text(&j->N, res.best_acc, f2, sizeof f2) + strlen(TASK(&j->N)->label) + 1, res.best_test_epoch, res.seconds);
        else
            say("saved %s%s after %u epoch%s, %.2f s", kept, j->out, j->M.epochs_done, plural(j->M.epochs_done), res.seconds);
    }
    return rc ? 1 : 0;
}

/* nn train with its options parsed (val; argv as given, for the
 * checkpoint): the steps in order -- options, data, the folds, the
 * validation rows, the network, the run (train_go, which calls train_run,
 * the epoch loop of @@train).  resume: the checkpoint being resumed. */
/* The class weights said on stderr (of the classes that have training rows). */
static void say_class_weights(const TrainJob *j)
{
    Said sd = {"", 0};
    size_t C = j->tr.nclass;
    char *has = calloc(C ? C : 1, 1);
    for (size_t i = 0; has && i < j->tr.n; i++) has[j->tr.y[i]] = 1;
    for (size_t c = 0; has && c < C; c++)
        if (has[c]) {
            char b[40];
            const char *nm = c < j->cnames.n ? j->cnames.names[c] : j->tr.names ? j->tr.names[c] : NULL;
            if (!nm) snprintf(b, sizeof b, "%zu", c), nm = b;
            said(&sd, "%.40s %.3g", nm, (double)j->cw[c]);
        }
    free(has);
    say("class weights in the cost%s: %s", j->cw_balanced ? " (balanced over the training rows)" : "", sd.buf);
}

/* --class-weight ARG for the training rows of j: balanced (n / (C n_c) over
 * the C classes present, as scikit-learn's: set again from the training
 * rows alone once the validation rows, or a fold's, are out), or
 * CLASS=WEIGHT items separated by commas, or a file of such lines; a class
 * is a name of the data's or --class-names', or a number.  Said on stderr
 * (balanced: by the caller, once set).  0, 1 or 2 (usage). */
static int class_weights(TrainJob *j, const char *arg)
{
    size_t C = j->tr.nclass, *cnt, present = 0;
    int rc;
    double wsum = 0;
    uint8_t *buf = NULL;
    size_t len = 0;
    const char *p, *end;
    Err err = {{0}, {0}};
    if (!arg) return 0;
    if (j->tr.t || !j->tr.y) return usage_error("train", "--class-weight weighs classes; %s is a regression", j->tr.name);
    if (!(j->cw = malloc(C * sizeof *j->cw)) || !(cnt = calloc(C, sizeof *cnt))) {
        say("out of memory");
        return 1;
    }
    for (size_t i = 0; i < j->tr.n; i++) cnt[j->tr.y[i]]++;
    for (size_t c = 0; c < C; c++) j->cw[c] = 1, present += cnt[c] > 0;
    if (!strcmp(arg, "balanced")) {
        balance_classes(&j->tr, j->cw), j->cw_balanced = 1;
    } else {
        if (!strchr(arg, '=')) { /* a file */
            if (read_all(arg, RD_ANY, &buf, &len, &err)) {
                report(&err);
                free(cnt);
                return file_exists(arg) ? 1 : usage_error("train", "--class-weight '%s': expected balanced, CLASS=WEIGHT,... or a file of such lines", arg);
            }
            p = (const char *)buf, end = p + len;
            if (len >= 3 && !memcmp(p, "\xef\xbb\xbf", 3)) p += 3;
        } else {
            p = arg, end = arg + strlen(arg);
        }
        while (p < end) {
            const char *e = p, *eq;
            size_t c = SIZE_MAX, nl;
            double w;
            char wt[64];
            while (e < end && *e != ',' && *e != '\n') e++;
            nl = (size_t)(e - p);
            while (nl && (p[nl - 1] == '\r' || p[nl - 1] == ' ')) nl--;
            if (nl && !(buf && *p == '#')) { /* (a file's '#' lines are comments) */
                if (!(eq = memchr(p, '=', nl)) || (size_t)(p + nl - eq - 1) >= sizeof wt) {
                    rc = usage_error("train", "--class-weight: '%.*s' is not CLASS=WEIGHT", (int)(nl > 60 ? 60 : nl), p);
                    free(buf), free(cnt);
                    return rc;
                }
                memcpy(wt, eq + 1, (size_t)(p + nl - eq - 1)), wt[p + nl - eq - 1] = 0;
                for (size_t k = 0; k < C && c == SIZE_MAX; k++) {
                    const char *nm = k < j->cnames.n ? j->cnames.names[k] : j->tr.names ? j->tr.names[k] : NULL;
                    char num[24];
                    snprintf(num, sizeof num, "%zu", k);
                    if ((nm && strlen(nm) == (size_t)(eq - p) && !memcmp(nm, p, (size_t)(eq - p))) ||
                        (strlen(num) == (size_t)(eq - p) && !memcmp(num, p, (size_t)(eq - p))))
                        c = k;
                }
                if (c == SIZE_MAX || parse_double(wt, &w) || !(w >= 0 && w <= 1e6)) {
                    rc = usage_error("train", c == SIZE_MAX ? "--class-weight: no class '%.*s' in %s" : "--class-weight: '%.*s': the weight is not a number from 0 to 1e6 (in %s)",
                                     (int)(c == SIZE_MAX ? eq - p : (long)nl), p, j->tr.name);
                    free(buf), free(cnt);
                    return rc;
                }
                if (!cnt[c]) say("warning: --class-weight: class '%.*s' has no training rows", (int)(eq - p), p);
                j->cw[c] = (float)w;
            }
            p = e + (e < end);
        }
        free(buf);
    }
    for (size_t c = 0; c < C; c++) wsum += cnt[c] ? (double)j->cw[c] : 0;
    if (!(wsum > 0)) {
        free(cnt);
        return usage_error("train", "--class-weight: every class that has rows weighs 0, so nothing would be learned");
    }
    if (!j->o.quiet && !j->cw_balanced) say_class_weights(j);
    free(cnt);
    return 0;
}

static int train_main(int argc, char **argv, const char **val, Ckpt *resume)
{
    int rc;
    TrainJob j;
    if (OPT(train_opts, val, "help")) {
        print_cmd_help(stdout, find_command("train"));
        return finish_stdout();
    }
    memset(&j, 0, sizeof j);
    if (!(rc = train_options(&j, argc, argv, resume, val)) && !(rc = train_data(&j, val)) &&
        !(rc = class_weights(&j, OPT(train_opts, val, "class-weight")))) {
        if (j.tr.y && !j.tr.t && !j.tr.names && !j.o.quiet) { /* numbered classes: every number below the largest is one */
            size_t C = j.tr.nclass, absent = 0, first = 0;
            char *seen = calloc(C ? C : 1, 1);
            for (size_t i = 0; seen && i < j.tr.n; i++) seen[j.tr.y[i]] = 1;
            for (size_t c = C; seen && c-- > 0;)
                if (!seen[c]) absent++, first = c;
            if (absent && C <= 1000)
                say("warning: %s: the labels are numbers, so the classes are 0 to %zu, and %zu of them never occur in training "
                    "(%zu%s): the model has an output for each; renumber the labels from 0 if they are not meant", j.tr.name, C - 1, absent,
                    first, absent > 1 ? " and more" : "");
            free(seen);
        }
        if (OPT(train_opts, val, "monitor") && j.tr.t && !j.o.quiet) say("warning: --monitor has no effect: a regression always judges epochs by the loss");
        Net spec = j.N; /* as parsed: each fold builds its own */
        if (j.folds && !resume) rc = train_folds(&j, val, &spec);
        if (!rc && !(rc = train_val(&j))) fill_missing(&j.tr.tab, 1, &j.tr, &j.va, &j.te);
        if (!rc && j.cw_balanced) { /* the training rows' balance, without the validation rows */
            balance_classes(&j.tr, j.cw);
            if (!j.o.quiet) say_class_weights(&j);
        }
        if (!rc && !(rc = train_network(&j, val))) rc = train_go(&j, val);
    }
    job_free(&j);
    return rc;
}

/* nn train: a fresh run, or with --resume FILE the run saved in a
 * checkpoint, rebuilt from the arguments it holds; only --threads,
 * --quiet, --out, --checkpoint, --every and --log may be given beside
 * --resume.  Both command lines are read with the option table. */
static int cmd_train(int argc, char **argv)
{
    static const char *const allowed[] = {"threads", "quiet", "out", "checkpoint", "every", "resume", "log", "help", NULL};
    const OptSpec *S = train_opts;
    const char *val[NN_MAX_OPTS] = {0}, *old[NN_MAX_OPTS] = {0}, *pos[1], *path;
    char **args, (*names)[32]; /* "--name" of each option (the longest is 12 bytes) */
    int n = 0, npos, rc;
    Ckpt R;
    Err err = {{0}, {0}};
    if ((rc = parse_opts("train", argc, argv, S, val, NN_MAX_OPTS, pos, 0, &npos))) return rc;
    /* a reader of the progress that goes away (2>&1 | head) must not cost
     * the run its model: a write to a closed pipe fails, unseen, and the
     * training goes on to save */
    signal(SIGPIPE, SIG_IGN);
    if (!(path = OPT(S, val, "resume")) || OPT(S, val, "help")) return train_main(argc, argv, val, NULL);
    for (int k = 0; S[k].name; k++) { /* what may be changed on resuming */
        int a = 0;
        while (allowed[a] && strcmp(allowed[a], S[k].name)) a++;
        if (val[k] && !allowed[a])
            return usage_error("train", "with --resume the settings come from the checkpoint; --%s cannot be changed", S[k].name);
    }
    if (ckpt_load(path, &R, &err)) {
        report(&err);
        return 1;
    }
    if ((rc = parse_opts("train", R.argc, R.argv, S, old, NN_MAX_OPTS, pos, 0, &npos))) {
        ckpt_free(&R);
        return rc;
    }
    if (!(args = calloc(2 * (size_t)NN_MAX_OPTS, sizeof *args)) || !(names = calloc(NN_MAX_OPTS, sizeof *names))) {
        free(args);
        ckpt_free(&R);
        say("out of memory");
        return 1;
    }
    /* The run's own options, those this command line gives replacing them,
     * less --resume; the checkpoint written is the one resumed unless
     * another is given. */
    for (int k = 0; S[k].name; k++) {
        const char *v = val[k] ? val[k] : old[k];
        if (!strcmp(S[k].name, "resume")) continue;
        if (!strcmp(S[k].name, "checkpoint") && !val[k]) v = path;
        if (!v) continue;
        snprintf(names[k], sizeof names[k], "--%s", S[k].name);
        args[n++] = names[k];
        if (S[k].arg) args[n++] = (char *)v;
    }
    memset(val, 0, sizeof val);
    if (!(rc = parse_opts("train", n, args, S, val, NN_MAX_OPTS, pos, 0, &npos))) rc = train_main(n, args, val, &R);
    free(args);
    free(names);
    ckpt_free(&R);
    return rc;
}

/* ======================================================================== */
/* @@report nn predict, eval, show, info                                  */
/* ======================================================================== */

/* For looking inside a model (weights, explain, report): the network
 * drawn or traced, *V -- N itself, or an ensemble's member --member K
 * (from 1; default the first), said on stderr with what it shows.  0, or
 * 2 after a usage error. */
static int member_view(const char *cmd, const char *model, const Net *N, const char *opt, const char *what, Net *V)
{
    size_t k = 1;
    *V = *N;
    if (opt && (parse_size(opt, NN_MAX_MEMBERS, &k) || k < 1 || k > (size_t)net_members(N)))
        return net_members(N) > 1 ? usage_error(cmd, "--member '%s': expected a network from 1 to %d", opt, net_members(N))
                                  : usage_error(cmd, "--member '%s': %s is one network, not an ensemble", opt, model);
    if (N->members > 1) {
        *V = net_member(N, (int)k - 1);
        say("%s: an ensemble of %d networks; %s member %zu's%s", model, N->members, what, k,
            opt ? "" : " (--member K for another)");
    }
    return 0;
}

/* Load MODEL and DATA for predict/eval; checks that they fit together.
 * want_labels: 0 none, 1 required, 2 when the data has them (beside IDX
 * images, a CSV label column, ...; explain). */
static int load_model_and_data(const char *mpath, const char *dpath, const char *labels, const CsvOpt *co,
                               int want_labels, Net *N, Meta *M, Data *d)
{
    Err err = {{0}, {0}};
    CsvOpt c2;
    int loaded = 0;
    if (model_load(mpath, N, M, &err)) {
        report(&err);
        return 1;
    }
    c2 = *co;
    c2.names = M->numbered ? NULL : M->names; /* labels map onto the model's classes: by name, or by number */
    c2.numbered = !M->nnames || M->numbered;
    c2.number_names = M->numbered ? M->names : NULL;
    c2.nnumber_names = M->numbered ? M->nnames : 0;
    if (M->tab.ncol) c2.tab = &M->tab, c2.in = &M->in; /* rows are read through the model's table */
    else c2.no_colnames = 1;
    c2.flat = !net_images(N);
    c2.nnames = M->nnames ? M->nnames : net_classes(N); /* (numbered: for the message) */
    c2.task = N->task;
    if (want_labels == 2) { /* labelled if it can be: quietly, then as it is */
        CsvOpt q = c2;
        q.quiet = 1;
        loaded = !labels && !load_data(dpath, labels, &q, 1, d, &err);
        if (loaded && d->lc && d->d + 1 == N->size[0] && c2.label_col == LABEL_AUTO && !c2.label_name) {
            data_free(d); /* a column taken as the label is a feature the model needs: the file has no labels */
            loaded = 0;
        } else if (loaded && d->note[0] && !co->quiet) {
            say_lines(d->note);
        }
        want_labels = loaded || labels;
        if (!want_labels && c2.label_col == LABEL_AUTO && !c2.label_name) c2.label_col = LABEL_NONE; /* no label column, then */
    }
    if (!loaded)
        if (load_data(dpath, labels, &c2, want_labels, d, &err)) {
            report(&err);
            free(N->param);
            return 1;
        }
    d->tm = &M->out;
    if (!co->quiet && d->d == N->size[0]) scale_warning(d, &M->in, &M->tab, mpath); /* (a width that differs: said below) */
    if (M->tab.ncol && !d->is_table && !table_flat(&M->tab)) {
        fprintf(stderr, "%s: %s: the model %s was trained on a table: give it CSV rows\n", progname, d->name, mpath);
        data_free(d), free(N->param), model_meta_free(M);
        return 1;
    }
    if (d->d != N->size[0]) {
        fprintf(stderr, "%s: %s: %zu features per row, but the model %s takes %zu%s\n", progname, d->name, d->d, mpath,
                N->size[0], (!want_labels && d->d == N->size[0] + 1) ? " (is one column a label? see --label-col)" : "");
        data_free(d), free(N->param);
        return 1;
    }
    {
        char why[160];
        if (shape_clash(N, d->shape, why, sizeof why)) {
            fprintf(stderr, "%s: %s: %s (the model %s)\n", progname, d->name, why, mpath);
            data_free(d), free(N->param);
            return 1;
        }
    }
    if (want_labels && d->nclass > net_classes(N)) {
        fprintf(stderr, "%s: %s: labels go up to %zu, but the model %s has %zu outputs\n", progname, d->name,
                d->nclass - 1, mpath, N->size[N->nl - 1]);
        data_free(d), free(N->param);
        return 1;
    }
    return 0;
}

/* predict FILE.gz: a thread inflates the file into a pipe, a MiB at a time,
 * whose text predict reads as it reads standard input, so a large gzip
 * file takes the memory of its compressed bytes and a window, not of its
 * text.  Lines are handed on whole: a stream that turns out corrupt (its
 * CRC) loses the part line after the last newline, and its error is
 * reported after the rows before it are answered, as for a bad row. */
typedef struct {
    const uint8_t *in;
    size_t inlen;
    const char *name;
    int fd;                /* the pipe's write end (closed by the thread) */
    uint8_t *tail;         /* the bytes after the last newline, held back */
    size_t ntail, captail;
    int rc;
    Err err;
} GzPipe;

static int gz_write(int fd, const uint8_t *p, size_t n)
{
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return -1; /* (EPIPE: the reader stopped) */
        p += w, n -= (size_t)w;
    }
    return 0;
}

static int gz_sink(void *ctx, const uint8_t *p, size_t n)
{
    GzPipe *g = ctx;
    const uint8_t *nl = NULL;
    for (size_t k = n; k-- > 0;)
        if (p[k] == '\n') {
            nl = p + k;
            break;
        }
    if (nl) { /* the held-back part line, then the whole lines of p */
        if (gz_write(g->fd, g->tail, g->ntail) || gz_write(g->fd, p, (size_t)(nl + 1 - p))) return -1;
        g->ntail = 0, n -= (size_t)(nl + 1 - p), p = nl + 1;
    }
    if (g->ntail + n > g->captail) {
        size_t c = g->captail ? g->captail : 4096;
        uint8_t *t;
        while (c < g->ntail + n) c *= 2;
        if (!(t = realloc(g->tail, c))) return -1;
        g->tail = t, g->captail = c;
    }
    if (n) memcpy(g->tail + g->ntail, p, n), g->ntail += n;
    return 0;
}

static void *gz_thread(void *arg)
{
    GzPipe *g = arg;
    sigset_t m;
    sigemptyset(&m), sigaddset(&m, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &m, NULL); /* a reader that stopped: EPIPE here, not the end of nn */
    g->rc = gunzip_to(g->in, g->inlen, 0, g->name, NULL, NULL, gz_sink, g, &g->err);
    if (!g->rc && gz_write(g->fd, g->tail, g->ntail)) g->rc = fail(&g->err, g->name, "the reader stopped");
    close(g->fd);
    return NULL;
}

static int cmd_predict(int argc, char **argv)
{
    const OptSpec *S = predict_opts;
    const char *val[NN_MAX_OPTS] = {0}, *pos[2], *name, *s;
    int npos, rc, nt, fd, regular, gz_on = 0;
    OutOpt oo;
    size_t cap = (size_t)1 << 20, have = 0;
    uint8_t *buf, *gzb = NULL;
    struct stat st;
    CsvOpt co;
    Net N;
    Meta M;
    Infer I;
    Pool *pl;
    Buf npy = {NULL, 0, 0, 0};
    char npzfile[NN_MAX_PATH];
    Err err = {{0}, {0}};
    GzPipe gz;
    pthread_t gzt;
    memset(&gz, 0, sizeof gz);
    if ((rc = parse_opts("predict", argc, argv, S, val, (int)(sizeof val / sizeof *val), pos, 2, &npos))) return rc;
    if (OPT(S, val, "help")) {
        print_cmd_help(stdout, find_command("predict"));
        return finish_stdout();
    }
    if (npos != 2) return usage_error("predict", "expected MODEL and INPUT");
    {
        static const char *const what[2] = {"MODEL", "INPUT"};
        if ((rc = distinct_streams("predict", pos, what, 2))) return rc;
    }
    if (csv_options("predict", OPT(S, val, "label-col"), OPT(S, val, "header"), OPT(S, val, "sep"), OPT(S, val, "decimal"), LABEL_NONE, &co)) return 2;
    if (threads_option("predict", OPT(S, val, "threads"), &nt)) return 2;
    memset(&oo, 0, sizeof oo);
    oo.f = stdout, oo.probs = OPT(S, val, "probs") != NULL, oo.fmt = FMT_CSV;
    oo.header = OPT(S, val, "no-header") ? 0 : -1, oo.keep = OPT(S, val, "keep");
    if ((s = OPT(S, val, "on-error"))) {
        if (!strcmp(s, "stop")) oo.on_error = ON_STOP;
        else if (!strcmp(s, "skip")) oo.on_error = ON_SKIP;
        else if (!strcmp(s, "mark")) oo.on_error = ON_MARK;
        else return usage_error("predict", "--on-error '%s': expected stop, skip or mark", s);
    }
    if (oo.keep && !*oo.keep) return usage_error("predict", "--keep '': expected column names or numbers, separated by commas");
    if ((s = OPT(S, val, "top")) && (parse_size(s, NN_MAX_WIDTH, &oo.top) || oo.top < 1))
        return usage_error("predict", "--top '%s': expected a whole number from 1", s);
    if (oo.probs && oo.top) return usage_error("predict", "give --probs or --top, not both");
    if ((s = OPT(S, val, "format")) &&
        !(oo.fmt = !strcmp(s, "csv") ? FMT_CSV : !strcmp(s, "tsv") ? FMT_TSV : !strcmp(s, "json") ? FMT_JSON : !strcmp(s, "npy") ? FMT_NPY : 0))
        return usage_error("predict", "--format '%s': expected csv, tsv, json or npy", s);
    if (oo.fmt == FMT_NPY && oo.top) return usage_error("predict", "--format npy writes one array (labels, --probs or values); --top is for csv, tsv and json");
    if (oo.fmt == FMT_NPY && isatty(STDOUT_FILENO)) return usage_error("predict", "--format npy writes a binary file: redirect it (> predictions.npy)");
    if (oo.fmt == FMT_NPY && oo.keep) return usage_error("predict", "--format npy writes one array of answers; --keep is for csv, tsv and json");
    if (oo.fmt == FMT_NPY && oo.on_error == ON_MARK) return usage_error("predict", "--format npy has no marker for a bad row; --on-error mark is for csv, tsv and json (skip works)");
    if ((oo.fmt == FMT_NPY || oo.fmt == FMT_JSON) && !oo.header) say("warning: --no-header has no effect: %s output has no header line", oo.fmt == FMT_NPY ? "npy" : "json");
    oo.npy = oo.fmt == FMT_NPY ? &npy : NULL;
    if (model_load(pos[0], &N, &M, &err)) {
        report(&err);
        return 1;
    }
    oo.names = M.names, oo.nnames = M.nnames, oo.tab = M.tab.ncol ? &M.tab : NULL, oo.mpath = pos[0];
    if (oo.npy && M.nnames && N.task != TASK_REGRESS && !oo.probs) /* names: a '<U' array as wide as the longest */
        for (size_t k = 0; k < M.nnames; k++) oo.width = npy_name(NULL, M.names[k], 0) > oo.width ? npy_name(NULL, M.names[k], 0) : oo.width;
    if (oo.npy && M.nnames && N.task != TASK_REGRESS && !oo.probs && !oo.width) oo.width = 1;
    if (M.tab.ncol) co.tab = &M.tab, co.in = &M.in; /* rows are read through the model's table */
    else co.no_colnames = 1;
    co.flat = !net_images(&N);
    co.class_names = M.numbered ? NULL : M.names, co.nclasses = N.task == TASK_REGRESS ? 0 : M.nnames ? M.nnames : net_classes(&N);
    if (N.task == TASK_REGRESS) {
        oo.tm = &M.out;
        if (oo.probs || oo.top) {
            free(N.param), model_meta_free(&M);
            return usage_error("predict", "--%s is for classifiers; %s is a regression model (it prints values)",
                               oo.probs ? "probs" : "top", pos[0]);
        }
    }
    if ((rc = threshold_option("predict", OPT(S, val, "threshold"), &N, pos[0], &oo.threshold))) {
        free(N.param), model_meta_free(&M);
        return rc;
    }
    if (oo.threshold >= 0 && (oo.top || oo.probs)) {
        free(N.param), model_meta_free(&M);
        return usage_error("predict", "--threshold decides the label; --%s prints the outputs as they are: give one or the other", oo.top ? "top" : "probs");
    }
    if (npz_split(pos[1], npzfile, sizeof npzfile, &co.array)) pos[1] = npzfile; /* FILE.npz:NAME */
    if (open_input(pos[1], "a data file", &fd, &name, &st, &err)) {
        report(&err);
        free(N.param), model_meta_free(&M);
        return 1;
    }
    regular = S_ISREG(st.st_mode);
    pl = pool_new(nt);
    buf = malloc(cap + 1);
    if (!pl || !buf || infer_init(&I, &N, &M.in, pl->nt, &err)) {
        say("out of memory");
        free(buf), pool_free(pl), free(N.param), model_meta_free(&M);
        if (fd > 0) close(fd);
        return 1;
    }
    { /* enough to tell IDX, NumPy and gzip from CSV */
        int eof = 0;
        while (have < 8 && !eof)
            if (read_more(fd, buf, cap, &have, &eof, name, &err)) {
                report(&err);
                free(buf), pool_free(pl), free(N.param), model_meta_free(&M);
                if (fd > 0) close(fd);
                return 1;
            }
    }
    if (looks_gzip(buf, have)) { /* inflated as it is read (GzPipe) */
        int pfd[2], eof = 0;
        if (!(rc = read_fd(fd, name, RD_DATA, &buf, &have, cap, &err)) && pipe(pfd)) rc = fail(&err, name, "cannot make a pipe: %s", strerror(errno));
        if (!rc) {
            gz.in = buf, gz.inlen = have, gz.name = name, gz.fd = pfd[1];
            if (pthread_create(&gzt, NULL, gz_thread, &gz)) {
                close(pfd[0]), close(pfd[1]);
                rc = fail(&err, name, "cannot start a thread");
            } else {
                if (fd > 0) close(fd);
                fd = pfd[0], regular = 0, gzb = buf, gz_on = 1;
                buf = malloc(cap + 1), have = 0;
                if (!buf) rc = fail(&err, name, "out of memory");
                while (!rc && have < 8 && !eof) rc = read_more(fd, buf, cap, &have, &eof, name, &err);
                if (!rc && looks_gzip(buf, have)) rc = fail(&err, name, "a gzip file inside a gzip file; unpack the outer one first");
            }
        }
    }
    if (rc) {
    } else if (whole_format(buf, have)) { /* read it all */
        Data d;
        if (!(rc = read_fd(fd, name, RD_DATA, &buf, &have, cap, &err)) &&
            !(rc = load_data_buf(pos[1], buf, have, NULL, &co, 0, &d, &err))) { /* buf is taken over */
            if (d.note[0]) say_lines(d.note);
            if (d.d == N.size[0]) scale_warning(&d, &M.in, &M.tab, pos[0]); /* (else an error below) */
            float *out = alloc_floats(d.n * N.size[N.nl - 1]);
            int32_t *pred = alloc_array(d.n, sizeof(int32_t));
            if (co.tab && !d.is_table && !table_flat(co.tab)) rc = fail(&err, name, "the model %s was trained on a table: give it CSV rows", pos[0]);
            else if (oo.keep) rc = fail(&err, name, "--keep carries columns of CSV text into the answers; this is not CSV text");
            else if (d.d != N.size[0])
                rc = fail(&err, name, "%zu values per %s, but the model takes %zu", d.d, net_images(&N) || d.shape[0] ? "image" : "row", N.size[0]);
            else if (shape_clash(&N, d.shape, err.msg, sizeof err.msg)) rc = fail(&err, name, "%s", err.msg);
            else if (!out || !pred) rc = fail(&err, name, "out of memory");
            else {
                size_t r;
                infer_all(pl, &I, &d, out, pred);
                r = first_nonfinite(out, d.n, N.size[N.nl - 1]);
                threshold_preds(&N, out, pred, r, oo.threshold);
                oo.header_due = oo.header && d.headed && (oo.fmt == FMT_CSV || oo.fmt == FMT_TSV); /* (a gzip CSV's, as a CSV's) */
                print_answers(&N, out, pred, r, &oo, NULL, NULL); /* the rows before a bad one */
                if (r < d.n) rc = fail(&err, name, "row %zu: its values give an output that is not a finite number", r);
            }
            free(out), free(pred), data_free(&d);
        }
    } else {
        rc = predict_stream(pl, &I, &N, fd, regular, name, &co, buf, have, cap, &oo, &err);
    }
    if (fd > 0) close(fd);
    if (gz_on) { /* (the reader's end closed: a thread still writing stops) */
        pthread_join(gzt, NULL);
        if (!rc && gz.rc) rc = -1, err = gz.err;
        free(gzb), free(gz.tail);
    }
    if (!rc && oo.npy) { /* the whole array, or nothing: a half array is no answer */
        Buf f = {NULL, 0, 0, 0};
        size_t K = N.size[N.nl - 1];
        char descr[32];
        if (oo.width) snprintf(descr, sizeof descr, "<U%zu", oo.width);
        else snprintf(descr, sizeof descr, "%s", oo.tm ? "<f8" : oo.probs ? "<f4" : "<i8");
        npy_write(&f, descr, oo.rows, oo.probs || (oo.tm && K > 1) ? K : 0, &npy); /* (one value: a vector, as np.loadtxt reads it) */
        if (npy.oom || f.oom) rc = fail(&err, "--format npy", "out of memory");
        else fwrite(f.p, 1, f.n, stdout);
        free(f.p);
    }
    if (!rc && !oo.rows && !oo.nbad && !co.quiet) say("%s: no data rows: nothing to answer", name); /* (exit 0, as for any empty input) */
    if (!rc && oo.nbad) { /* --on-error: every row answered or said; the run still failed */
        snprintf(err.where, sizeof err.where, "%s", name);
        snprintf(err.msg, sizeof err.msg, "%zu row%s did not read: %s", oo.nbad, plural(oo.nbad),
                 oo.on_error == ON_MARK ? "marked NA" : "skipped");
        if (oo.nbad > NN_SAY_BAD && !co.quiet)
            snprintf(err.msg + strlen(err.msg), sizeof err.msg - strlen(err.msg), " (the first %d said above)", NN_SAY_BAD);
        rc = -1;
    }
    free(npy.p), free(oo.keepcol), names_free(oo.keepname, oo.nkeep);
    infer_free(&I), pool_free(pl), free(N.param), model_meta_free(&M);
    if (rc) {
        fflush(stdout);
        report(&err);
        return 1;
    }
    return finish_stdout();
}

/* The text of class c: its name, or its number when the model has none
 * (or fewer names than outputs). */
static const char *class_text(char *const *names, size_t nnames, size_t c, char *buf, size_t n)
{
    if (c < nnames) return names[c];
    snprintf(buf, n, "%zu", c);
    return buf;
}

/* How show and eval --show draw: 1 grey Unicode blocks (colour escapes),
 * 2 ASCII.  Colour goes to a terminal only, unless --color asks for it
 * (for `less -R`); --ascii always wins. */
static int draw_mode(const OptSpec *S, const char **val)
{
    if (OPT(S, val, "ascii")) return 2;
    return OPT(S, val, "color") || isatty(STDOUT_FILENO) ? 1 : 2;
}

/* Draw row r of d as a w-pixel-wide image of c channels a pixel (channel-
 * last; a pixel's grey is their mean) on stdout, each pixel scaled from
 * the row's darkest (black) to its lightest (white): Unicode upper half
 * blocks with 24-step grey foreground (upper pixel) and background (lower
 * pixel), or with ascii ten characters from ' ' to '@', one per pixel pair
 * of a column. */
static double pixel_grey(const Data *d, size_t r, size_t i, size_t c)
{
    double v = 0;
    for (size_t k = 0; k < c; k++) v += d->x8 ? d->x8[r * d->d + i * c + k] : d->xf[r * d->d + i * c + k];
    return v / (double)c;
}

/* A w x h map v[(y * w + x) * step] drawn as draw_row draws an image, from
 * lo (black) to hi (white). */
static void term_map(const float *v, size_t w, size_t h, size_t step, double lo, double hi, int ascii)
{
    static const char ramp[] = " .:-=+*#%@";
    for (size_t y = 0; y < h; y += 2) {
        for (size_t x = 0; x < w; x++) {
            double g[2];
            for (int k = 0; k < 2; k++) {
                double q = y + (size_t)k < h ? v[((y + (size_t)k) * w + x) * step] : lo;
                g[k] = hi > lo ? (q - lo) / (hi - lo) : 0;
                g[k] = g[k] < 0 ? 0 : g[k] > 1 ? 1 : g[k];
            }
            if (ascii) putchar(ramp[(int)((g[0] + g[1]) / 2 * 9.999)]);
            else printf("\033[38;5;%dm\033[48;5;%dm\u2580", 232 + (int)(g[0] * 23.999), 232 + (int)(g[1] * 23.999));
        }
        printf(ascii ? "\n" : "\033[0m\n");
    }
}

static int draw_row(const Data *d, size_t r, size_t w, size_t c, int ascii)
{
    size_t np = d->d / c, h = (np + w - 1) / w;
    float *g = alloc_floats(h * w);
    double lo = 0, hi = 0;
    if (!g) return -1;
    for (size_t i = 0; i < h * w; i++) {
        double v = i < np ? pixel_grey(d, r, i, c) : lo;
        g[i] = (float)v;
        if (!i || v < lo) lo = v;
        if (!i || v > hi) hi = v;
    }
    term_map(g, w, h, 1, lo, hi, ascii);
    free(g);
    return 0;
}

/* Row r of d as a w x h image of c channels (channel-last: grey, or RGB
 * when c is 3) into the canvas at (x0, y0), each pixel z x z, scaled from
 * the row's darkest (black) to its lightest (white) value. */
static void canvas_image(Canvas *cv, size_t x0, size_t y0, const Data *d, size_t r, size_t w, size_t h, size_t c, size_t z)
{
    double lo = 0, hi = 0;
    for (size_t i = 0; i < w * h * c && i < d->d; i++) {
        double v = d->x8 ? d->x8[r * d->d + i] : d->xf[r * d->d + i];
        if (!i || v < lo) lo = v;
        if (!i || v > hi) hi = v;
    }
    for (size_t y = 0; y < h; y++)
        for (size_t x = 0; x < w; x++) {
            uint8_t rgb[3];
            for (int k = 0; k < 3; k++) {
                size_t i = (y * w + x) * c + (c == 3 ? (size_t)k : 0);
                double v = i >= d->d ? lo : c == 3 ? (d->x8 ? d->x8[r * d->d + i] : d->xf[r * d->d + i]) : pixel_grey(d, r, y * w + x, c);
                rgb[k] = (uint8_t)(hi > lo ? (v - lo) / (hi - lo) * 255 + 0.5 : 0);
            }
            canvas_fill(cv, x0 + x * z, y0 + y * z, z, z, rgb);
        }
}

/* The image shape of d's rows for pictures: the model's (N, when given and
 * of images), the file's, or a square; a width given (w > 0) overrides.
 * 0 when the rows are not images. */
static size_t image_shape(const Net *N, const Data *d, size_t w, size_t *shape)
{
    size_t s = (size_t)floor(sqrt((double)d->d) + 0.5);
    if (w) shape[0] = 1, shape[2] = w, shape[1] = (d->d + w - 1) / w;
    else if (N && net_images(N)) memcpy(shape, N->shape[0], 3 * sizeof *shape);
    else if (d->shape[0] && d->shape[0] * d->shape[1] * d->shape[2] == d->d) memcpy(shape, d->shape, 3 * sizeof *shape);
    else if (s * s == d->d) shape[0] = 1, shape[1] = shape[2] = s;
    else return 0;
    return shape[1] * shape[2];
}

/* Rows rows[0..n) of d as one PNG picture: a tile each (the image in
 * shape, each pixel z x z, at least 84 pixels wide) with up to three
 * lines of caption under it, in a near-square grid; to path. */
#define SHEET_LINES 3
static int sheet_png(const char *path, const Data *d, const size_t *rows, size_t n, char (*cap)[SHEET_LINES][80],
                     const size_t *shape, Err *err)
{
    static const uint8_t ink[3] = {0, 0, 0};
    size_t C = shape[0], H = shape[1], W = shape[2], z = W >= 84 ? 1 : (84 + W - 1) / W, tw = W * z, th = H * z, cols, grid;
    Canvas c;
    for (size_t i = 0; i < n; i++)
        for (int k = 0; k < SHEET_LINES; k++) tw = text_width(cap[i][k], 2) > tw ? text_width(cap[i][k], 2) : tw;
    cols = (size_t)ceil(sqrt((double)n));
    cols = cols < 1 ? 1 : cols > 12 ? 12 : cols;
    grid = th + SHEET_LINES * 12 + 6;
    if (tw > 4000 || th > 4000 || canvas_new(&c, cols * (tw + 10) + 10, (n + cols - 1) / cols * (grid + 10) + 10, 255))
        return fail(err, path, "the picture would be too large (fewer rows?)");
    for (size_t i = 0; i < n; i++) {
        size_t x0 = 10 + i % cols * (tw + 10), y0 = 10 + i / cols * (grid + 10);
        canvas_image(&c, x0 + (tw - W * z) / 2, y0, d, rows[i], W, H, C, z);
        for (int k = 0; k < SHEET_LINES; k++) canvas_text(&c, x0, y0 + th + 4 + (size_t)k * 12, cap[i][k], 2, ink);
    }
    return canvas_write(&c, path, err);
}

static int cmd_show(int argc, char **argv)
{
    const OptSpec *S = show_opts;
    const char *val[NN_MAX_OPTS] = {0}, *pos[1], *s;
    int npos, rc;
    size_t first = 0, count = 1, w, nn_ = 0;
    char *const *nm;
    CsvOpt co;
    Data d;
    Names cn = {NULL, 0};
    Err err = {{0}, {0}};
    if ((rc = parse_opts("show", argc, argv, S, val, (int)(sizeof val / sizeof *val), pos, 1, &npos))) return rc;
    if (OPT(S, val, "help")) {
        print_cmd_help(stdout, find_command("show"));
        return finish_stdout();
    }
    if (npos != 1) return usage_error("show", "expected DATA");
    if ((s = OPT(S, val, "out")) && !has_suffix(s, ".png")) return usage_error("show", "--out '%s': give a file name ending in .png", s);
    if (s && (rc = output_is_input("show", s, pos[0]))) return rc;
    {
        const char *ins[2] = {pos[0], OPT(S, val, "labels")};
        static const char *const what[2] = {"DATA", "--labels"};
        if ((rc = distinct_streams("show", ins, what, 2))) return rc;
    }
    if ((s = OPT(S, val, "index")) && parse_size(s, NN_MAX_ROWS, &first))
        return usage_error("show", "--index '%s': expected a row number from 0", s);
    if ((s = OPT(S, val, "count")) && (parse_size(s, NN_MAX_ROWS, &count) || count < 1))
        return usage_error("show", "--count '%s': expected a whole number from 1", s);
    if (csv_options("show", OPT(S, val, "label-col"), OPT(S, val, "header"), OPT(S, val, "sep"), OPT(S, val, "decimal"), LABEL_AUTO, &co)) return 2;
    if ((s = OPT(S, val, "class-names")) && (rc = class_names_option("show", s, &cn))) return rc;
    if (load_data(pos[0], OPT(S, val, "labels"), &co, OPT(S, val, "labels") != NULL, &d, &err)) {
        report(&err);
        names_free(cn.names, cn.n);
        return 1;
    }
    if (!d.y && !d.t && !d.is_table && !d.lc && !OPT(S, val, "labels") && strcmp(pos[0], "-")) {
        /* labels when there are some: beside IDX images or a NumPy array, inside an .npz file */
        Data dl;
        CsvOpt q = co;
        q.quiet = 1;
        if (!load_data(pos[0], NULL, &q, 1, &dl, &err)) {
            data_free(&d);
            d = dl;
        }
    }
    w = d.shape[0] ? d.shape[2] : (size_t)floor(sqrt((double)d.d) + 0.5); /* an IDX image's own width */
    if ((s = OPT(S, val, "width")) && (parse_size(s, d.d, &w) || w < 1)) {
        data_free(&d), names_free(cn.names, cn.n);
        return usage_error("show", "--width '%s': expected a whole number from 1 to the features per row", s);
    }
    if (first >= d.n) {
        fprintf(stderr, "%s: %s has %zu rows; --index %zu is past the end\n", progname, d.name, d.n, first);
        data_free(&d), names_free(cn.names, cn.n);
        return 1;
    }
    if (cn.n && (d.names || !d.y || d.nclass > cn.n)) { /* names for numbered labels, one each */
        fprintf(stderr, "%s: --class-names: %s\n", progname, d.names ? "the labels are names already" : !d.y ? "the data has no labels"
                : "fewer names than classes");
        if (d.y && !d.names) fprintf(stderr, "%s: %s's labels go up to %zu; %zu name%s given\n", progname, d.name, d.nclass - 1, cn.n, plural(cn.n));
        data_free(&d), names_free(cn.names, cn.n);
        return 2;
    }
    nm = cn.n ? cn.names : d.names, nn_ = cn.n ? cn.n : d.names ? d.nclass : 0;
    if ((s = OPT(S, val, "out"))) { /* one picture of the rows, with their labels */
        size_t n = (first + count < d.n ? first + count : d.n) - first, shape[3], *rows = calloc(n, sizeof *rows);
        char(*cap)[SHEET_LINES][80] = calloc(n, sizeof *cap), b[32];
        if (!image_shape(NULL, &d, OPT(S, val, "width") ? w : 0, shape)) shape[0] = 1, shape[2] = w, shape[1] = (d.d + w - 1) / w;
        rc = !rows || !cap ? fail(&err, s, "out of memory") : 0;
        for (size_t i = 0; !rc && i < n; i++) {
            rows[i] = first + i;
            snprintf(cap[i][0], sizeof cap[i][0], "ROW %zu", first + i);
            if (d.y) snprintf(cap[i][1], sizeof cap[i][1], "%s", class_text(nm, nn_, (size_t)d.y[first + i], b, sizeof b));
        }
        if (!rc) rc = sheet_png(s, &d, rows, n, cap, shape, &err);
        if (rc) report(&err);
        else say("%s: %zu row%s drawn, from row %zu", s, n, plural(n), first);
        free(rows), free(cap), data_free(&d), names_free(cn.names, cn.n);
        return rc ? 1 : 0;
    }
    if (first + count > d.n && OPT(S, val, "count"))
        say("%s has %zu rows: drawing rows %zu to %zu, %zu of the %zu asked for", d.name, d.n, first, d.n - 1, d.n - first, count);
    for (size_t r = first; r < d.n && r < first + count; r++) {
        char b[32];
        if (d.y) printf("row %zu: label %s\n", r, class_text(nm, nn_, (size_t)d.y[r], b, sizeof b));
        else printf("row %zu\n", r);
        draw_row(&d, r, w, d.shape[0] && !OPT(S, val, "width") ? d.shape[0] : 1, draw_mode(S, val) > 1);
    }
    data_free(&d), names_free(cn.names, cn.n);
    return finish_stdout();
}

/* A scatter of predicted (up) against true (across) values v (n pairs:
 * true, predicted) on stdout, both axes over the same range, with the
 * diagonal where they agree: Unicode braille dots (2 x 4 a character), or
 * ASCII ('*' a point, '.' the diagonal).  w x h characters. */
static void scatter(const double *v, size_t n, int w, int h, int ascii, const char *what)
{
    double lo = v[0], hi = v[0];
    int W = ascii ? w : 2 * w, H = ascii ? h : 4 * h;
    uint8_t *dot = calloc((size_t)W * (size_t)H, 1);
    if (!dot) return;
    for (size_t i = 0; i < 2 * n; i++) lo = v[i] < lo ? v[i] : lo, hi = v[i] > hi ? v[i] : hi;
    if (!(hi > lo)) hi = lo + 1;
    for (size_t i = 0; i < n; i++) {
        int x = (int)((v[2 * i] - lo) / (hi - lo) * (W - 1) + 0.5), y = (int)((v[2 * i + 1] - lo) / (hi - lo) * (H - 1) + 0.5);
        dot[(size_t)(H - 1 - y) * (size_t)W + (size_t)x] = 1;
    }
    printf("%s: predicted (up) against true (across), %zu rows; the diagonal is where they agree\n", what, n);
    for (int r = 0; r < h; r++) {
        double yv = hi - (hi - lo) * (r + 0.5) / h;
        if (r == 0 || r == h - 1 || r == h / 2) printf("%10.4g |", yv); /* the predicted scale: top, middle, bottom */
        else printf("%10s |", "");
        for (int c = 0; c < w; c++) {
            /* the diagonal: the cell's x range meets its y range */
            double x0 = lo + (hi - lo) * c / w, x1 = lo + (hi - lo) * (c + 1) / w;
            double y1 = hi - (hi - lo) * r / h, y0 = hi - (hi - lo) * (r + 1) / h;
            int diag = x1 >= y0 && x0 <= y1;
            if (ascii) {
                putchar(dot[(size_t)r * (size_t)W + (size_t)c] ? '*' : diag ? '.' : ' ');
            } else {
                static const int bit[4][2] = {{0x01, 0x08}, {0x02, 0x10}, {0x04, 0x20}, {0x40, 0x80}};
                int m = 0;
                for (int dy = 0; dy < 4; dy++)
                    for (int dx = 0; dx < 2; dx++)
                        if (dot[(size_t)(4 * r + dy) * (size_t)W + (size_t)(2 * c + dx)]) m |= bit[dy][dx];
                if (m) { /* U+2800 + m in UTF-8 */
                    int cp = 0x2800 + m;
                    putchar(0xE0 | (cp >> 12)), putchar(0x80 | ((cp >> 6) & 0x3F)), putchar(0x80 | (cp & 0x3F));
                } else {
                    fputs(diag ? "\u00b7" : " ", stdout);
                }
            }
        }
        putchar('\n');
    }
    printf("%10s +", "");
    for (int c = 0; c < w; c++) putchar('-');
    printf("\n%10s  %-*.4g%*.4g\n", "", w / 2, lo, w - w / 2, hi);
    free(dot);
}

/* A regression on one input: the fitted function.  v holds n triples (x,
 * true, predicted); x across, the values up, w x h characters: '.' a true
 * value, '*' the prediction (over a true value where they meet). */
static void fitted_plot(const double *v, size_t n, int w, int h, int ascii, const char *x_name, const char *y_name)
{
    double xl = v[0], xh = v[0], yl = v[1], yh = v[1];
    uint8_t *cell = calloc((size_t)w * (size_t)h, 1);
    if (!cell) return;
    for (size_t i = 0; i < n; i++) {
        xl = v[3 * i] < xl ? v[3 * i] : xl, xh = v[3 * i] > xh ? v[3 * i] : xh;
        for (int k = 1; k <= 2; k++) yl = v[3 * i + k] < yl ? v[3 * i + k] : yl, yh = v[3 * i + k] > yh ? v[3 * i + k] : yh;
    }
    if (!(xh > xl)) xh = xl + 1;
    if (!(yh > yl)) yh = yl + 1;
    for (size_t i = 0; i < n; i++)
        for (int k = 1; k <= 2; k++) {
            int x = (int)((v[3 * i] - xl) / (xh - xl) * (w - 1) + 0.5), y = (int)((v[3 * i + k] - yl) / (yh - yl) * (h - 1) + 0.5);
            uint8_t *c = &cell[(size_t)(h - 1 - y) * (size_t)w + (size_t)x];
            *c = (uint8_t)(*c | k);
        }
    printf("the fitted function: %s (up) against %s (across), %zu rows; %s the data, %s the prediction\n", y_name, x_name, n,
           ascii ? "'.'" : "\u00b7", ascii ? "'*'" : "\u2022");
    for (int r = 0; r < h; r++) {
        double yv = yh - (yh - yl) * (r + 0.5) / h;
        if (r == 0 || r == h - 1 || r == h / 2) printf("%10.4g |", yv);
        else printf("%10s |", "");
        for (int c = 0; c < w; c++) {
            int m = cell[(size_t)r * (size_t)w + (size_t)c];
            if (ascii) putchar(m & 2 ? '*' : m ? '.' : ' ');
            else fputs(m & 2 ? "\u2022" : m ? "\u00b7" : " ", stdout);
        }
        putchar('\n');
    }
    printf("%10s +", "");
    for (int c = 0; c < w; c++) putchar('-');
    printf("\n%10s  %-*.4g%*.4g\n", "", w / 2, xl, w - w / 2, xh);
    free(cell);
}

/* The evaluation report of a regression: per target the mean squared
 * error, its root, the mean absolute error and R^2, in the data's units
 * (and their means over the targets), the nerr rows with the largest
 * absolute residuals, and a scatter of the first target (draw 2: ASCII).
 * Returns 0, or -1 when out of memory. */
static int reg_report(const Net *N, const Meta *M, const Data *d, const float *out, size_t nerr, int draw)
{
    size_t K = d->nt;
    double *mse = calloc(3 * K, sizeof *mse), *mae = mse ? mse + K : NULL, *r2 = mse ? mse + 2 * K : NULL, *v;
    double sm = 0, sr = 0, sa = 0, s2 = 0;
    char cb[NN_CELL];
    const Table *tab = &M->tab;
    (void)N;
    if (!mse) return -1;
    reg_metrics(d, out, mse, mae, r2);
    printf("%-20s %12s %12s %12s %9s\n", "target", "MSE", "RMSE", "MAE", "R^2");
    for (size_t k = 0, c = 0; k < K; k++, c++) {
        while (c < tab->ncol && tab->col[c].kind != COL_TARGET) c++;
        printf("%s %12.6g %12.6g %12.6g %9.4f\n", cell(cb, sizeof cb, c < tab->ncol && tab->col[c].name ? tab->col[c].name : "(target)", 20, 40, 0), mse[k],
               sqrt(mse[k]), mae[k], r2[k]);
        sm += mse[k], sr += sqrt(mse[k]), sa += mae[k], s2 += r2[k];
    }
    if (K > 1) printf("%-20s %12.6g %12.6g %12.6g %9.4f\n", "mean", sm / (double)K, sr / (double)K, sa / (double)K, s2 / (double)K);
    if (nerr) { /* the largest residuals, over all targets */
        uint8_t *used = calloc(d->n * K, 1);
        if (!used) {
            free(mse);
            return -1;
        }
        printf("\nlargest residuals\n%-8s %-20s %14s %14s %14s\n", d->lineno ? "line" : "row", "target", "true", "predicted", "residual");
        for (size_t e = 0; e < nerr && e < d->n * K; e++) {
            size_t best = SIZE_MAX;
            double bv = -1;
            for (size_t i = 0; i < d->n * K; i++) {
                double p = target_unmap(&M->out, i % K, out[i]), res = fabs(p - d->t[i]);
                if (!used[i] && res > bv) best = i, bv = res;
            }
            used[best] = 1;
            {
                size_t k = best % K, c = 0, seen = 0;
                double p = target_unmap(&M->out, k, out[best]);
                for (; c < tab->ncol; c++)
                    if (tab->col[c].kind == COL_TARGET && seen++ == k) break;
                printf("%-8zu %s %14.6g %14.6g %14.6g\n", d->lineno ? d->lineno[best / K] : best / K,
                       cell(cb, sizeof cb, c < tab->ncol && tab->col[c].name ? tab->col[c].name : "(target)", 20, 40, 0),
                       (double)d->t[best], p, p - d->t[best]);
            }
        }
        free(used);
    }
    if (d->d == 1 && K == 1 && (v = malloc(3 * d->n * sizeof *v))) { /* one input: the function it fitted */
        size_t c = 0;
        const char *xn = "the input", *yn = "the target";
        for (; c < tab->ncol; c++) {
            if (tab->col[c].kind == COL_NUMBER && tab->col[c].name) xn = tab->col[c].name;
            if (tab->col[c].kind == COL_TARGET && tab->col[c].name) yn = tab->col[c].name;
        }
        for (size_t i = 0; i < d->n; i++)
            v[3 * i] = d->x8 ? d->x8[i] : d->xf[i], v[3 * i + 1] = d->t[i], v[3 * i + 2] = target_unmap(&M->out, 0, out[i]);
        putchar('\n');
        fitted_plot(v, d->n, 60, 20, draw == 2, xn, yn);
        free(v);
    } else if ((v = malloc(2 * d->n * sizeof *v))) {
        for (size_t i = 0; i < d->n; i++)
            v[2 * i] = d->t[i * K], v[2 * i + 1] = target_unmap(&M->out, 0, out[i * K]);
        putchar('\n');
        scatter(v, d->n, 60, 20, draw == 2, K > 1 ? "the first target" : "the target");
        free(v);
    }
    free(mse);
    return 0;
}

/* The evaluation report after the accuracy line: the confusion matrix,
 * per-class precision, recall and F1 with their macro averages over the
 * classes that occur (in the labels or the predictions: a class absent
 * from both says nothing of the model), and the nerr most confidently
 * wrong rows (row numbers count data rows from 0; their confidence is the
 * output of the predicted class, or for one sigmoid output, the output for
 * class 1 and one minus it for class 0).  draw: 0 no images, 1 grey
 * blocks, 2 ASCII.  The matrix is drawn for at most NN_MAX_MATRIX
 * classes.  Returns 0, or -1 when out of memory. */
#define NN_MAX_MATRIX 50
static int print_report(const Net *N, char *const *names, size_t nnames, const Data *d, const float *out,
                        const int32_t *pred, const double *cauc, size_t nerr, int draw, size_t *listed, size_t *nlisted)
{
    size_t C = net_classes(N), K = N->size[N->nl - 1], present = 0;
    size_t *row = calloc(C, sizeof(size_t)), *col = calloc(C, sizeof(size_t)), *tp = calloc(C, sizeof(size_t));
    size_t *cls = calloc(C, sizeof(size_t)), *cm = NULL; /* the classes that occur; their matrix */
    char cb[NN_CELL];
    int w = 6, wn = 6; /* matrix column width; class column width of the table */
    double mp = 0, mr = 0, mf = 0, ma = 0;
    size_t na = 0;
    char b1[32], b2[32];
    if (!row || !col || !tp || !cls) goto oom;
    for (size_t r = 0; r < d->n; r++) {
        row[d->y[r]]++, col[pred[r]]++;
        tp[d->y[r]] += d->y[r] == pred[r];
    }
    for (size_t c = 0; c < C; c++)
        if (row[c] || col[c]) cls[present++] = c;
    for (size_t i = 0; i < present && cls[i] < nnames; i++) {
        int l = (int)text_chars(names[cls[i]]);
        if (l > w) w = l > 12 ? 12 : l;
        if (l > wn) wn = l > 30 ? 30 : l;
    }
    if (present <= NN_MAX_MATRIX) {
        size_t *at = calloc(C, sizeof(size_t)); /* class -> its place in cls */
        if (!at || !(cm = calloc(present * present, sizeof(size_t)))) {
            free(at);
            goto oom;
        }
        for (size_t i = 0; i < present; i++) at[cls[i]] = i;
        for (size_t r = 0; r < d->n; r++) cm[at[d->y[r]] * present + at[pred[r]]]++;
        free(at);
        printf("\nconfusion matrix (rows: true label, columns: predicted)\n%*s", w, "");
        for (size_t i = 0; i < present; i++) printf(" %s", cell(cb, sizeof cb, class_text(names, nnames, cls[i], b1, sizeof b1), (size_t)w, (size_t)w, 1));
        for (size_t t = 0; t < present; t++) {
            printf("\n%s", cell(cb, sizeof cb, class_text(names, nnames, cls[t], b1, sizeof b1), (size_t)w, (size_t)w, 1));
            for (size_t i = 0; i < present; i++) printf(" %*zu", w, cm[t * present + i]);
        }
        printf("\n");
        for (size_t i = 0, said_ = 0; i < present; i++) /* names cut to fit: in full */
            if (cls[i] < nnames && text_chars(names[cls[i]]) > (size_t)w)
                printf("%s%s = %s", said_++ ? "; " : "(names cut to fit: ", cell(cb, sizeof cb, names[cls[i]], 0, (size_t)w, 0), names[cls[i]]);
        for (size_t i = 0; i < present; i++)
            if (cls[i] < nnames && text_chars(names[cls[i]]) > (size_t)w) {
                printf(")\n");
                break;
            }
    } else {
        printf("\n(no confusion matrix: %zu classes occur, and it is drawn for at most %d)\n", present, NN_MAX_MATRIX);
    }
    printf("\n%-*s %9s %9s %9s %9s %9s\n", wn, "class", "precision", "recall", "f1", "roc_auc", "support");
    for (size_t i = 0; i < present; i++) {
        size_t c = cls[i];
        double p = col[c] ? (double)tp[c] / (double)col[c] : 0, rc = row[c] ? (double)tp[c] / (double)row[c] : 0;
        double f = p + rc > 0 ? 2 * p * rc / (p + rc) : 0;
        char a[16] = "-"; /* (one-vs-rest: none for a class on every row or none) */
        if (cauc && !isnan(cauc[c])) snprintf(a, sizeof a, "%.4f", cauc[c]), ma += cauc[c], na++;
        mp += p, mr += rc, mf += f;
        printf("%s %9.4f %9.4f %9.4f %9s %9zu\n", cell(cb, sizeof cb, class_text(names, nnames, c, b1, sizeof b1), (size_t)wn, (size_t)wn, 0), p, rc, f, a, row[c]);
    }
    if (present) {
        char a[16] = "-";
        if (na) snprintf(a, sizeof a, "%.4f", ma / (double)na);
        printf("%-*s %9.4f %9.4f %9.4f %9s %9zu\n", wn, "macro", mp / (double)present, mr / (double)present,
               mf / (double)present, a, d->n);
    }
    if (present < C) printf("(%zu of the model's %zu classes occur; the matrix and the macro averages are over those)\n", present, C);
    free(row), free(col), free(tp), free(cls), free(cm);
    row = col = tp = cls = cm = NULL;
    if (nerr) { /* the most confident wrong answers: repeated selection, n * nerr is fine for a report */
        char *used = calloc(d->n, 1);
        if (!used) goto oom;
        size_t nwrong = 0;
        for (size_t r = 0; r < d->n; r++) nwrong += pred[r] != d->y[r];
        printf("\nmost confidently wrong (%s, true, predicted, confidence)\n", d->lineno ? "line" : "row");
        if (!nwrong) printf("(none: every row is right)\n");
        for (size_t e = 0; e < nerr; e++) {
            size_t best = SIZE_MAX;
            float bv = 0;
            for (size_t r = 0; r < d->n; r++) {
                float v = K == 1 ? (pred[r] ? out[r] : 1 - out[r]) : out[r * K + (size_t)pred[r]];
                if (pred[r] != d->y[r] && !used[r] && (best == SIZE_MAX || v > bv)) best = r, bv = v;
            }
            if (best == SIZE_MAX) break;
            used[best] = 1;
            if (listed) listed[(*nlisted)++] = best;
            printf("%zu %s %s %.6f\n", d->lineno ? d->lineno[best] : best, class_text(names, nnames, (size_t)d->y[best], b1, sizeof b1),
                   class_text(names, nnames, (size_t)pred[best], b2, sizeof b2), (double)bv);
            if (draw && net_images(N)) draw_row(d, best, N->shape[0][2], N->shape[0][0], draw > 1); /* the model's image shape */
            else if (draw && d->shape[0]) draw_row(d, best, d->shape[2], d->shape[0], draw > 1); /* the file's */
            else if (draw) draw_row(d, best, (size_t)floor(sqrt((double)d->d) + 0.5), 1, draw > 1);
        }
        free(used);
    }
    return 0;
oom:
    free(row), free(col), free(tp), free(cls), free(cm);
    return -1;
}

#define NN_MAX_IMPORTANCE 4096 /* inputs eval --importance shuffles one by one */

/* The inputs of a model in groups of the columns they come from: a table's
 * number is one input, its category one per value; other data, one input
 * a column.  Group g is inputs [at[g], at[g + 1]), named name[g]. */
typedef struct {
    size_t n, *at;
    char (*name)[64];
} Groups;

static int input_groups(const Net *N, const Meta *M, const Data *d, Groups *G)
{
    size_t D = N->size[0], n = 0;
    G->n = 0;
    G->at = malloc((D + 1) * sizeof *G->at), G->name = malloc((D ? D : 1) * sizeof *G->name);
    if (!G->at || !G->name) return -1;
    if (M->tab.ncol) {
        size_t at = 0;
        for (uint32_t c = 0; c < M->tab.ncol; c++) {
            const Column *C = &M->tab.col[c];
            size_t w = C->kind == COL_NUMBER ? 1 : C->kind == COL_CATEGORY ? C->ncat : 0;
            if (!w) continue;
            G->at[n] = at;
            if (C->name && *C->name) cell(G->name[n], sizeof G->name[n], C->name, 0, SIZE_MAX, 0); /* (cut between characters) */
            else snprintf(G->name[n], sizeof G->name[n], "column %u", c + 1);
            n++, at += w;
        }
        G->at[n] = at;
    } else {
        for (size_t k = 0; k < D; k++) {
            G->at[n] = k;
            if (d->lc) snprintf(G->name[n], sizeof G->name[n], "column %zu", k + 1 + (k + 1 >= d->lc)); /* (the file's, around the label) */
            else snprintf(G->name[n], sizeof G->name[n], "input %zu", k);
            n++;
        }
        G->at[n] = D;
    }
    G->n = n;
    return 0;
}

/* eval --importance: for each column of the model's inputs, the drop in
 * the task's figure (accuracy, R^2) when that column's values are shuffled
 * among the rows, the mean and deviation over `repeats` shuffles; printed
 * as a table, largest first, with a bar each; a binary model's classes
 * decided at thr when it is not negative (--threshold), as base was.
 * Returns 0, or -1 out of memory. */
static int print_importance(Pool *pl, Infer *I, const Net *N, const Meta *M, const Data *d, double base, size_t repeats,
                            double thr, int ascii)
{
    Groups G;
    size_t D = N->size[0], n = d->n, *perm = malloc((n ? n : 1) * sizeof *perm), *order = NULL;
    size_t K = N->size[N->nl - 1], width = 8;
    char cb[NN_CELL];
    void *xc = malloc((n ? n : 1) * D * (d->x8 ? 1 : sizeof(float)));
    float *out = malloc((n ? n : 1) * K * sizeof *out);
    int32_t *pred = malloc((n ? n : 1) * sizeof *pred);
    double *mean = NULL, *sd = NULL, top = 0;
    Data dp = *d;
    Rng rng;
    int rc = -1;
    if (input_groups(N, M, d, &G) || !perm || !xc || !out || !pred || !(mean = calloc(G.n + 1, sizeof *mean)) ||
        !(sd = calloc(G.n + 1, sizeof *sd)) || !(order = malloc((G.n + 1) * sizeof *order)))
        goto done;
    memcpy(xc, d->x8 ? (const void *)d->x8 : (const void *)d->xf, n * D * (d->x8 ? 1 : sizeof(float)));
    if (d->x8) dp.x8 = xc;
    else dp.xf = xc;
    rng_seed(&rng, STREAM_PERMUTE);
    for (size_t g = 0; g < G.n; g++) {
        size_t a = G.at[g], w = G.at[g + 1] - a;
        double s1 = 0, s2 = 0;
        for (size_t k = 0; k < repeats; k++) {
            Score sc;
            for (size_t r = 0; r < n; r++) perm[r] = r;
            shuffle(&rng, perm, n);
            for (size_t r = 0; r < n; r++) /* row r takes row perm[r]'s values of the column */
                if (d->x8) memcpy((uint8_t *)xc + r * D + a, d->x8 + perm[r] * D + a, w);
                else memcpy((float *)xc + r * D + a, d->xf + perm[r] * D + a, w * sizeof(float));
            infer_all(pl, I, &dp, out, pred);
            threshold_preds(N, out, pred, n, thr);
            TASK(N)->score(N, &dp, out, pred, &sc);
            s1 += base - sc.metric, s2 += (base - sc.metric) * (base - sc.metric);
        }
        for (size_t r = 0; r < n; r++) /* the column as it was */
            if (d->x8) memcpy((uint8_t *)xc + r * D + a, d->x8 + r * D + a, w);
            else memcpy((float *)xc + r * D + a, d->xf + r * D + a, w * sizeof(float));
        mean[g] = s1 / (double)repeats;
        sd[g] = repeats > 1 ? sqrt(fmax(0, (s2 - s1 * s1 / (double)repeats) / (double)(repeats - 1))) : 0;
        order[g] = g, top = fmax(top, mean[g]);
        width = text_chars(G.name[g]) > width ? text_chars(G.name[g]) : width;
    }
    for (size_t i = 1; i < G.n; i++) /* largest drop first (insertion sort: stable, few columns) */
        for (size_t j = i; j > 0 && mean[order[j]] > mean[order[j - 1]]; j--) {
            size_t t = order[j];
            order[j] = order[j - 1], order[j - 1] = t;
        }
    width = width > 40 ? 40 : width;
    printf("\npermutation importance: the drop in %s when one column's values are shuffled among the %zu rows %s\n", TASK(N)->label, n,
           repeats > 1 ? "(the mean of the shuffles, and their deviation)" : "(one shuffle: no deviation)");
    (void)plural;
    printf("%-*s %9s %9s\n", (int)width, "column", "drop", "sd");
    for (size_t i = 0; i < G.n; i++) {
        size_t g = order[i], bar = top > 0 && mean[g] > 0 ? (size_t)lround(30 * mean[g] / top) : 0;
        printf("%s %9.4f %9.4f ", cell(cb, sizeof cb, G.name[g], width, width, 0), mean[g], sd[g]);
        for (size_t b = 0; b < bar; b++) fputs(ascii ? "#" : "\xe2\x96\x88", stdout);
        printf("\n");
    }
    rc = 0;
done:
    free(G.at), free(G.name), free(perm), free(order), free(xc), free(out), free(pred), free(mean), free(sd);
    return rc;
}

static int cmd_eval(int argc, char **argv)
{
    const OptSpec *S = eval_opts;
    const char *val[NN_MAX_OPTS] = {0}, *pos[2];
    int npos, rc, nt;
    CsvOpt co;
    Net N;
    Meta M;
    Data d;
    Infer I;
    Pool *pl;
    Err err;
    int32_t *pred;
    float *out;
    const char *s;
    size_t nerr = 0, bad;
    Score sc;
    double thr = -1;
    char b0[32];
    size_t repeats = 5;
    if ((rc = parse_opts("eval", argc, argv, S, val, (int)(sizeof val / sizeof *val), pos, 2, &npos))) return rc;
    if (OPT(S, val, "help")) {
        print_cmd_help(stdout, find_command("eval"));
        return finish_stdout();
    }
    if (npos != 2) return usage_error("eval", "expected MODEL and DATA");
    {
        const char *ins[3] = {pos[0], pos[1], OPT(S, val, "labels")};
        static const char *const what[3] = {"MODEL", "DATA", "--labels"};
        if ((rc = distinct_streams("eval", ins, what, 3))) return rc;
    }
    if ((s = OPT(S, val, "errors")) && parse_size(s, NN_MAX_ROWS, &nerr))
        return usage_error("eval", "--errors '%s': expected a whole number", s);
    if ((s = OPT(S, val, "out")) && !has_suffix(s, ".png")) return usage_error("eval", "--out '%s': give a file name ending in .png", s);
    if (s && !nerr) return usage_error("eval", "--out draws the rows that --errors N lists: give --errors too");
    if ((s = OPT(S, val, "repeats")) && (parse_size(s, 1000, &repeats) || !repeats))
        return usage_error("eval", "--repeats '%s': expected a whole number from 1 to 1000", s);
    if (s && !OPT(S, val, "importance")) say("warning: --repeats has no effect without --importance");
    if (s && ((rc = output_is_input("eval", s, pos[0])) || (rc = output_is_input("eval", s, pos[1])))) return rc;
    if (OPT(S, val, "show") && !nerr) say("warning: --show draws the rows that --errors lists; without --errors it does nothing");
    if (csv_options("eval", OPT(S, val, "label-col"), OPT(S, val, "header"), OPT(S, val, "sep"), OPT(S, val, "decimal"), LABEL_AUTO, &co)) return 2;
    if (threads_option("eval", OPT(S, val, "threads"), &nt)) return 2;
    if ((rc = load_model_and_data(pos[0], pos[1], OPT(S, val, "labels"), &co, 1, &N, &M, &d))) return rc;
    if ((rc = threshold_option("eval", OPT(S, val, "threshold"), &N, pos[0], &thr))) {
        data_free(&d), free(N.param), model_meta_free(&M);
        return rc;
    }
    if (OPT(S, val, "importance") && (net_images(&N) || N.size[0] > NN_MAX_IMPORTANCE)) {
        data_free(&d), free(N.param), model_meta_free(&M);
        return usage_error("eval", "--importance shuffles input columns, and %s takes %s (the limit: %d inputs); nn explain shows which inputs a decision rests on",
                           pos[0], net_images(&N) ? "images" : "more inputs", NN_MAX_IMPORTANCE);
    }
    if (OPT(S, val, "show") && N.task == TASK_REGRESS) say("warning: --show draws wrongly classified rows; a regression has none");
    if (OPT(S, val, "out") && N.task == TASK_REGRESS) {
        data_free(&d), free(N.param), model_meta_free(&M);
        return usage_error("eval", "--out draws wrongly classified rows; %s is a regression model", pos[0]);
    }
    if (((OPT(S, val, "ascii") && N.task != TASK_REGRESS) || OPT(S, val, "color")) && !OPT(S, val, "show"))
        say("warning: --%s has no effect without --show", OPT(S, val, "ascii") && N.task != TASK_REGRESS ? "ascii" : "color");
    pred = alloc_array(d.n, sizeof(int32_t));
    out = alloc_floats(d.n * N.size[N.nl - 1]);
    pl = pool_new(nt);
    if (!pred || !out || !pl || infer_init(&I, &N, &M.in, pl->nt, &err)) {
        say("out of memory");
        free(pred), free(out), pool_free(pl), data_free(&d), free(N.param), model_meta_free(&M);
        return 1;
    }
    infer_all(pl, &I, &d, out, pred);
    if ((bad = first_nonfinite(out, d.n, N.size[N.nl - 1])) < d.n) { /* a value too large for the scaling */
        if (d.lineno) say("%s:%zu: the row's values give an output that is not a finite number (too large for the model's scaling?)", d.name, d.lineno[bad]);
        else say("%s: row %zu (from 0): its values give an output that is not a finite number (too large for the model's scaling?)", d.name, bad);
        infer_free(&I), pool_free(pl), free(out), free(pred), data_free(&d), free(N.param), model_meta_free(&M);
        return 1;
    }
    threshold_preds(&N, out, pred, d.n, thr);
    TASK(&N)->score(&N, &d, out, pred, &sc);
    if (N.task == TASK_REGRESS) {
        for (size_t k = 0; k < d.nt; k++) { /* R^2 of a constant truth is a convention, not a figure: said */
            size_t i = 1;
            while (i < d.n && d.t[i * d.nt + k] == d.t[k]) i++;
            if (i == d.n) {
                const char *tn = tab_name(M.tab.ncol ? &M.tab : NULL, COL_TARGET, k);
                say("warning: %s: every true value of %s%s%s is %g (%zu row%s): R^2 is undefined, and given as 1 when every "
                    "answer is exact, else 0 (scikit-learn's convention)", d.name, tn ? "'" : "the target", tn ? tn : "", tn ? "'" : "",
                    (double)d.t[k], d.n, plural(d.n));
            }
        }
        printf(fabs(sc.metric) < 1e4 ? "r2 %.4f, rmse %.6g (%s%zu row%s)\n" : "r2 %.4g, rmse %.6g (%s%zu row%s)\n", sc.metric, sc.rmse,
               d.nt > 1 ? "means over the targets, " : "", d.n, plural(d.n));
        rc = reg_report(&N, &M, &d, out, nerr, OPT(S, val, "ascii") || !isatty(STDOUT_FILENO) ? 2 : 1);
    } else {
        size_t *listed = OPT(S, val, "out") ? calloc(nerr + 1, sizeof *listed) : NULL, nl = 0, shape[3];
        ProbFig pf;
        prob_figures(&N, &d, out, &pf);
        printf("%s %.4f (%zu/%zu)\n", TASK(&N)->metric, sc.metric, sc.correct, d.n);
        printf("log-loss %.4f, Brier %.4f%s, ROC AUC ", pf.logloss, pf.brier, net_classes(&N) > 2 ? " (summed over the classes)" : "");
        if (isnan(pf.auc)) printf("- (%s)\n", net_classes(&N) > NN_MAX_AUC || d.n > ((size_t)1 << 28) / net_classes(&N) ? "not worked out for so many classes and rows" : "the rows are of one class");
        else if (net_classes(&N) == 2) printf("%.4f (of class %s)\n", pf.auc, class_text(M.names, M.nnames, 1, b0, sizeof b0));
        else printf("%.4f (one-vs-rest, the mean over the classes)\n", pf.auc);
        if (thr >= 0) printf("threshold %g: class %s when its probability is at least that\n", thr, class_text(M.names, M.nnames, 1, b0, sizeof b0));
        rc = print_report(&N, M.names, M.nnames, &d, out, pred, pf.cauc, nerr, OPT(S, val, "show") ? draw_mode(S, val) : 0, listed, &nl);
        free(pf.cauc);
        if (!rc && OPT(S, val, "out")) { /* the errors as one picture */
            char(*cap)[SHEET_LINES][80] = calloc(nl + 1, sizeof *cap), b1[32], b2[32];
            const char *path = OPT(S, val, "out");
            size_t K = N.size[N.nl - 1];
            if (!listed || !cap) rc = -1;
            for (size_t i = 0; !rc && i < nl; i++) {
                size_t r = listed[i];
                float v = K == 1 ? (pred[r] ? out[r] : 1 - out[r]) : out[r * K + (size_t)pred[r]];
                snprintf(cap[i][0], sizeof cap[i][0], "%s %zu", d.lineno ? "LINE" : "ROW", d.lineno ? d.lineno[r] : r);
                snprintf(cap[i][1], sizeof cap[i][1], "TRUE %s", class_text(M.names, M.nnames, (size_t)d.y[r], b1, sizeof b1));
                snprintf(cap[i][2], sizeof cap[i][2], "PRED %s %.2f", class_text(M.names, M.nnames, (size_t)pred[r], b2, sizeof b2), (double)v);
            }
            if (!rc && !image_shape(&N, &d, 0, shape)) {
                fflush(stdout);
                say("%s: not written: the rows of %s are not images (give --show to see them as text)", path, d.name);
                rc = 2;
            } else if (!rc && sheet_png(path, &d, listed, nl, cap, shape, &err)) {
                fflush(stdout);
                report(&err);
                rc = 2;
            } else if (!rc) {
                say("%s: the %zu most confidently wrong row%s, with their true and predicted classes", path, nl, plural(nl));
            }
            free(cap);
        }
        free(listed);
    }
    if (!rc && OPT(S, val, "importance") && d.n)
        rc = print_importance(pl, &I, &N, &M, &d, sc.metric, repeats, thr, OPT(S, val, "ascii") || !isatty(STDOUT_FILENO));
    if (rc == 2) rc = 1;
    else if (rc) say("out of memory for the report");
    infer_free(&I), pool_free(pl), free(out), free(pred), data_free(&d), free(N.param), model_meta_free(&M);
    return rc ? 1 : finish_stdout();
}

/* The layer table of `nn info`: for a network of images, each layer's
 * kind in the spec's notation and its output shape, C x H x W. */
static void print_net(const Net *N)
{
    size_t tw = 0, tb = 0, macs = 0;
    int img = net_images(N); /* (or a layer of another kind than the plain one: the table of kinds) */
    char t[64], sh[64];
    for (int l = 1; l < N->nl; l++) img |= !(LK(N, l)->flags & KIND_PLAIN);
    if (img) {
        printf("%-6s %-12s %-12s %-10s %10s %8s %12s\n", "layer", "kind", "output", "activation", "weights", "biases", "mult-adds");
        snprintf(sh, sizeof sh, "%zux%zux%zu", N->shape[0][0], N->shape[0][1], N->shape[0][2]);
        printf("%-6d %-12s %-12s %-10s %10s %8s %12s\n", 0, "input", sh, "-", "-", "-", "-");
    } else {
        printf("%-6s %8s  %-10s %10s %8s\n", "layer", "neurons", "activation", "weights", "biases");
        printf("%-6d %8zu  %-10s %10s %8s\n", 0, N->size[0], "input", "-", "-");
    }
    for (int l = 1; l < N->nl; l++) {
        const Layer *ly = &N->layer[l];
        size_t w = ly->wrows * ly->wcols;
        tw += w, tb += ly->nbias, macs += ly->nw ? LK(N, l)->macs(ly) : 0;
        if (!img) {
            printf("%-6d %8zu  %-10s %10zu %8zu\n", l, N->size[l], act_name(ly->act), w, ly->nbias);
            continue;
        }
        if (LK(N, l)->flags & KIND_FLAT) snprintf(sh, sizeof sh, "%zu", ly->nout);
        else snprintf(sh, sizeof sh, "%zux%zux%zu", ly->oc, ly->oh, ly->ow);
        printf("%-6d %-12s %-12s %-10s %10zu %8zu %12zu\n", l, layer_text(ly, t, sizeof t), sh,
               (LK(N, l)->flags & KIND_NO_ACT) ? "-" : act_name(ly->act), w, ly->nbias, ly->nw ? LK(N, l)->macs(ly) : 0);
    }
    if (img) printf("%-6s %-12s %-12s %-10s %10zu %8zu %12zu\n", "total", "", "", "", tw, tb, macs);
    else printf("%-6s %8s  %-10s %10zu %8zu\n", "total", "", "", tw, tb);
    printf("parameters %zu\n", tw + tb);
    if (net_members(N) > 1)
        printf("ensemble: %d networks of these layers, %zu parameters in all; its output is the mean of theirs\n", net_members(N),
               (tw + tb) * (size_t)net_members(N));
    if (img) printf("mult-adds: of one row's forward pass (training does about 3 times as many)\n");
}

/* nn info --json: the model as one JSON object, for tools. */
static void info_json(FILE *f, const char *path, const Net *N, const Meta *M)
{
    static const char *const kinds[COL_COUNT] = {"", "number", "category", "label", "target", "ignored"};
    size_t K = N->size[N->nl - 1], total = 0;
    char t[64];
    fprintf(f, "{\"schema\":\"nn-info/1\",\"model\":"), print_name(f, path, FMT_JSON);
    fprintf(f, ",\"task\":\"%s\",\"inputs\":%zu", TASK(N)->name, N->size[0]);
    if (net_images(N)) fprintf(f, ",\"input_shape\":[%zu,%zu,%zu]", N->shape[0][0], N->shape[0][1], N->shape[0][2]);
    fprintf(f, ",\"outputs\":%zu", K);
    if (N->task == TASK_CLASSIFY) {
        size_t C = net_classes(N);
        fprintf(f, ",\"classes\":[");
        for (size_t k = 0; k < C; k++) {
            char num[24];
            snprintf(num, sizeof num, "%zu", k);
            if (k) fputc(',', f);
            print_name(f, k < M->nnames ? M->names[k] : num, FMT_JSON);
        }
        fprintf(f, "]");
    } else {
        fprintf(f, ",\"targets\":[");
        for (size_t k = 0; k < K; k++) {
            const char *n = tab_name(M->tab.ncol ? &M->tab : NULL, COL_TARGET, k);
            if (k) fputc(',', f);
            if (n) print_name(f, n, FMT_JSON);
            else fprintf(f, "null");
        }
        fprintf(f, "],\"target_mean\":[");
        for (size_t k = 0; k < M->out.n; k++) fprintf(f, "%s%.9g", k ? "," : "", (double)M->out.mean[k]);
        fprintf(f, "],\"target_deviation\":[");
        for (size_t k = 0; k < M->out.n; k++) fprintf(f, "%s%.9g", k ? "," : "", (double)M->out.sd[k]);
        fprintf(f, "]");
    }
    if (M->tab.ncol) {
        static const char *const miss[MISS_COUNT] = {"", "mean", "drop", "error"};
        fprintf(f, ",\"missing\":\"%s\",\"columns\":[", miss[M->tab.missing]);
        for (uint32_t c = 0; c < M->tab.ncol; c++) {
            const Column *C = &M->tab.col[c];
            fprintf(f, "%s{\"name\":", c ? "," : "");
            if (C->name) print_name(f, C->name, FMT_JSON);
            else fprintf(f, "null");
            fprintf(f, ",\"kind\":\"%s\"", kinds[C->kind]);
            if (C->kind == COL_NUMBER && M->tab.missing != MISS_ERROR) fprintf(f, ",\"fill\":%.9g", (double)C->fill);
            if (C->kind == COL_CATEGORY) {
                fprintf(f, ",\"categories\":[");
                for (uint32_t k = 0; k < C->ncat; k++) {
                    if (k) fputc(',', f);
                    if (C->cats[k][0]) print_name(f, C->cats[k], FMT_JSON);
                    else fprintf(f, "null"); /* the missing value's */
                }
                fprintf(f, "]");
            }
            fprintf(f, "}");
        }
        fprintf(f, "]");
    }
    if (M->in.mean) { /* x -> (x / divisor - mean) / deviation */
        fprintf(f, ",\"input_map\":{\"divisor\":%.9g,\"mean\":[", (double)M->in.div);
        for (size_t k = 0; k < N->size[0]; k++) fprintf(f, "%s%.9g", k ? "," : "", (double)M->in.mean[k]);
        fprintf(f, "],\"deviation\":[");
        for (size_t k = 0; k < N->size[0]; k++) fprintf(f, "%s%.9g", k ? "," : "", M->in.rsd[k] != 0 ? 1.0 / (double)M->in.rsd[k] : 0.0);
        fprintf(f, "]}");
    } else {
        fprintf(f, ",\"input_map\":{\"divisor\":%.9g}", (double)M->in.div);
    }
    fprintf(f, ",\"cost\":\"%s\",\"layers\":[", cost_name(N->cost));
    for (int l = 1; l < N->nl; l++) {
        const Layer *ly = &N->layer[l];
        size_t w = ly->wrows * ly->wcols;
        total += w + ly->nbias;
        fprintf(f, "%s{\"spec\":", l > 1 ? "," : ""), print_name(f, layer_text(ly, t, sizeof t), FMT_JSON);
        fprintf(f, ",\"outputs\":%zu,\"activation\":", ly->nout);
        if (LK(N, l)->flags & KIND_NO_ACT) fprintf(f, "null");
        else fprintf(f, "\"%s\"", act_name(ly->act));
        fprintf(f, ",\"weights\":%zu,\"biases\":%zu}", w, ly->nbias);
    }
    fprintf(f, "],\"parameters\":%zu,\"members\":%d", total * (size_t)net_members(N), net_members(N));
    fprintf(f, ",\"training\":{\"epochs\":%u,\"epochs_done\":%u,\"eta\":%.9g,\"batch\":%u,\"seed\":%llu,\"optimizer\":\"%s\","
           "\"schedule\":\"%s\",\"lambda\":%.9g,\"dropout\":%.9g,\"validation_rows\":%u,\"patience\":%u,\"kept_epoch\":%u,"
           "\"init\":\"%s\",\"momentum\":%.9g,\"beta1\":%.9g,\"beta2\":%.9g,\"epsilon\":%.9g,\"gamma\":%.9g,\"step\":%u}}\n",
           M->epochs, M->epochs_done, (double)M->eta, M->batch, (unsigned long long)M->seed,
           opt_names[M->optimizer ? M->optimizer : OPT_SGD], sched_names[M->schedule ? M->schedule : SCHED_CONSTANT],
           (double)M->lambda, (double)M->dropout, M->val_rows, M->patience, M->kept_epoch, M->init > 0 && M->init < INIT_COUNT ? init_names[M->init] : "per layer",
           (double)M->momentum, (double)M->beta1, (double)M->beta2, (double)M->epsilon, (double)M->gamma, M->step);
}

static int cmd_info(int argc, char **argv)
{
    const OptSpec *S = info_opts;
    const char *val[NN_MAX_OPTS] = {0}, *pos[1];
    int npos, rc;
    char cb[NN_CELL];
    Net N;
    Meta M;
    Err err = {{0}, {0}};
    if ((rc = parse_opts("info", argc, argv, S, val, (int)(sizeof val / sizeof *val), pos, 1, &npos))) return rc;
    if (OPT(S, val, "help")) {
        print_cmd_help(stdout, find_command("info"));
        return finish_stdout();
    }
    if (OPT(S, val, "layers")) {
        if (npos) return usage_error("info", "give MODEL or --layers, not both");
        if (OPT(S, val, "json")) return usage_error("info", "--json describes a model file; give MODEL, not --layers");
        char why[256];
        const char *w;
        if (parse_layers(OPT(S, val, "layers"), &N, &err)) {
            fprintf(stderr, "%s: %s\n", progname, err.msg);
            return 2;
        }
        if (N.layer[N.nl - 1].act == ACT_SOFTMAX) N.cost = COST_LOGLIK; /* as train pairs them */
        if ((w = net_check(&N, why, sizeof why))) {
            fprintf(stderr, "%s: layer spec '%s': %s\n", progname, OPT(S, val, "layers"), w);
            return 2;
        }
        print_net(&N);
        return finish_stdout();
    }
    if (npos != 1) return usage_error("info", "expected MODEL (or --layers SPEC)");
    if (model_load(pos[0], &N, &M, &err)) {
        report(&err);
        return 1;
    }
    if (OPT(S, val, "json")) {
        info_json(stdout, pos[0], &N, &M);
        free(N.param), model_meta_free(&M);
        return finish_stdout();
    }
    print_net(&N);
    printf("cost %s\n", cost_name(N.cost));
    if (M.names) {
        printf("classes");
        for (uint32_t k = 0; k < M.nnames; k++) printf("%s%u=%s", k ? ", " : " ", k, M.names[k]);
        printf("\n");
    }
    if (N.task != TASK_CLASSIFY) printf("task %s\n", TASK(&N)->name); /* (classification: as before tasks) */
    if (M.tab.ncol) { /* the table: what each column of a CSV row is */
        static const char *const kinds[COL_COUNT] = {"", "number", "category", "label", "target", "ignored"};
        static const char *const miss[MISS_COUNT] = {"", "mean", "drop", "error"};
        printf("table: %u columns (a missing value in training: %s)\n", M.tab.ncol, miss[M.tab.missing]);
        for (uint32_t c = 0, t = 0; c < M.tab.ncol; c++) {
            const Column *C = &M.tab.col[c];
            printf("  %-4u %s %s", c + 1, cell(cb, sizeof cb, !C->name ? "(no header)" : *C->name ? C->name : "(empty name)", 24, 60, 0), kinds[C->kind]);
            if (C->kind == COL_NUMBER && M.tab.missing != MISS_ERROR) printf(", missing -> %.9g", (double)C->fill);
            if (C->kind == COL_TARGET && t < M.out.n)
                printf(", mean %.9g, deviation %.9g", (double)M.out.mean[t], (double)M.out.sd[t]), t++;
            for (uint32_t k = 0; k < C->ncat; k++) /* (a category with a comma in it is quoted) */
                printf(strchr(C->cats[k], ',') ? "%s'%s'" : "%s%s", k ? ", " : ": ", C->cats[k][0] ? C->cats[k] : "(missing)");
            putchar('\n');
        }
    }
    if (M.in.mean) printf("inputs standardized: the mean and deviation of each of the %zu features are stored\n", N.size[0]);
    else printf("input divisor %.9g\n", (double)M.in.div);
    printf("trained %u of %u epochs, eta %g, batch %u, seed %llu\n", M.epochs_done, M.epochs, (double)M.eta,
           M.batch, (unsigned long long)M.seed);
    printf("optimizer %s", opt_names[M.optimizer ? M.optimizer : OPT_SGD]);
    if (M.optimizer == OPT_MOMENTUM || M.optimizer == OPT_NESTEROV) printf(", momentum %g", (double)M.momentum);
    if (M.optimizer == OPT_ADAM) printf(", beta1 %g, beta2 %g, epsilon %g", (double)M.beta1, (double)M.beta2, (double)M.epsilon);
    printf("\nschedule %s", sched_names[M.schedule ? M.schedule : SCHED_CONSTANT]);
    if (M.schedule == SCHED_STEP) printf(", gamma %g every %u epochs", (double)M.gamma, M.step);
    if (M.schedule == SCHED_EXP) printf(", gamma %g", (double)M.gamma);
    printf("\ninit %s, lambda %g, dropout %g\n", M.init ? init_names[M.init] : "per layer (he for relu/leaky, else scaled)",
           (double)M.lambda, (double)M.dropout);
    if (M.augment)
        printf("augment %s%.0u%s%s\n", M.augment & 0xff ? "shift:" : "", M.augment & 0xff,
               (M.augment & AUG_FLIP) && (M.augment & 0xff) ? "," : "", M.augment & AUG_FLIP ? "flip" : "");
    if (M.val_rows)
        printf("validation %u rows, patience %u, kept epoch %u\n", M.val_rows, M.patience, M.kept_epoch);
    free(N.param), model_meta_free(&M);
    return finish_stdout();
}

/* ======================================================================== */
/* @@weights nn weights and nn export                                      */
/* ======================================================================== */

/* Format notes: PGM (netpbm, binary "P5"): "P5\n<width> <height>\n255\n"
 * then width x height bytes, row by row.  nn weights draws one tile per
 * neuron of the first hidden layer, its input weights laid out as the input
 * image (W pixels wide), or per map of a first convolution, its k x k
 * kernel (a channel under another) with each weight z x z pixels; each
 * scaled from its own smallest weight (black) to its largest (white),
 * tiles in a near-square grid with a 1-pixel grey border. */

/* How nn weights lays out layer l's weights (see draw_weights). */
typedef struct {
    int mode;            /* WEIGHTS_TILES: a tile per unit, its weights as the input; _KERNELS: a tile per map
                            and input channel; _MATRIX: one tile, the matrix (outputs down, inputs across) */
    size_t tiles, tw, th; /* tiles of tw x th weights */
    size_t cols;         /* tiles in a row of the grid */
} WeightsLayout;

enum { WEIGHTS_TILES, WEIGHTS_KERNELS, WEIGHTS_MATRIX };

/* The layout of layer l of N: first is the first layer with weights, whose
 * rows are drawn as the input they weigh; width, when not 0, a tile's width
 * for a first dense layer (its input's width otherwise). */
static WeightsLayout weights_layout(const Net *N, int l, int first, size_t width)
{
    const Layer *ly = &N->layer[l];
    WeightsLayout g = {WEIGHTS_TILES, ly->wrows, 0, 0, 0};
    size_t n = ly->wcols;
    if (LK(N, l)->flags & KIND_KERNEL) {
        g.mode = WEIGHTS_KERNELS;
        g.tw = g.th = ly->k;
        g.tiles = ly->wrows * ly->ic;
        g.cols = ly->ic > 1 ? ly->ic : (size_t)ceil(sqrt((double)g.tiles));
        return g;
    }
    if (l != first) {
        g.mode = WEIGHTS_MATRIX;
        g.tiles = g.cols = 1;
        g.tw = n;
        g.th = ly->wrows;
        return g;
    }
    g.tw = width ? width : ly->ih > 1 || ly->iw > 1 ? ly->iw * ly->ic : (size_t)floor(sqrt((double)n) + 0.5);
    g.th = (n + g.tw - 1) / g.tw;
    g.cols = (size_t)ceil(sqrt((double)g.tiles));
    return g;
}

/* The weight of W (layer l's weights, or anything laid out as them) drawn at
 * (x, y) of tile t, or NULL past the end of a row. */
static const float *weights_at(const Net *N, int l, const float *W, const WeightsLayout *g, size_t t, size_t x, size_t y)
{
    const Layer *ly = &N->layer[l];
    size_t q;
    if (g->mode == WEIGHTS_KERNELS) return W + t / ly->ic * ly->ldw + (y * ly->k + x) * ly->ic + t % ly->ic;
    if (g->mode == WEIGHTS_MATRIX) return W + y * ly->ldw + x;
    q = y * g->tw + x;
    return q < ly->wcols ? W + t * ly->ldw + q : NULL;
}

/* Layer l's weights W (or a change to them: nn explain's nudge) as a
 * picture: tiles of weights zoom x zoom pixels each on the diverging colour
 * map, with one symmetric scale (the largest |w|) for the whole picture,
 * 1-pixel grey borders, and the legend below.  The scale into *scale.  0,
 * or -1 when the picture is too large or memory runs out. */
static int draw_weights(const Net *N, int l, const float *W, const WeightsLayout *g, size_t zoom, Canvas *c, float *scale)
{
    static const uint8_t border[3] = {150, 150, 150}, white[3] = {255, 255, 255};
    const Layer *ly = &N->layer[l];
    size_t rows = (g->tiles + g->cols - 1) / g->cols, cw, ch;
    float s = 0;
    for (size_t j = 0; j < ly->wrows; j++)
        for (size_t i = 0; i < ly->wcols; i++) {
            float a = fabsf(W[j * ly->ldw + i]);
            s = a > s ? a : s;
        }
    *scale = s;
    if (g->tw > 65535 || g->th > 65535 || zoom > 65535) return -1;
    cw = g->cols * (g->tw * zoom + 1) + 1;
    ch = rows * (g->th * zoom + 1) + 1;
    if (cw < 120) cw = 120; /* (room for the legend) */
    if (canvas_new(c, cw, ch + LEGEND_H, border[0])) return -1;
    for (size_t t = 0; t < g->tiles; t++) {
        size_t x0 = t % g->cols * (g->tw * zoom + 1) + 1, y0 = t / g->cols * (g->th * zoom + 1) + 1;
        for (size_t y = 0; y < g->th; y++)
            for (size_t x = 0; x < g->tw; x++) {
                const float *w = weights_at(N, l, W, g, t, x, y);
                uint8_t rgb[3];
                if (!w) continue;
                diverging(*w, s, rgb);
                canvas_fill(c, x0 + x * zoom, y0 + y * zoom, zoom, zoom, rgb);
            }
    }
    canvas_fill(c, 0, ch, c->w, LEGEND_H, white);
    canvas_legend(c, ch, s);
    return 0;
}

/* The pixels a weight for layout g: a 28x28 tile 3 (tiles of at least 84
 * pixels; a matrix at least 400 across), but the picture at most about
 * 2000 pixels a side. */
static size_t weights_zoom(const WeightsLayout *g)
{
    size_t big = g->tw > g->th ? g->tw : g->th, rows = (g->tiles + g->cols - 1) / g->cols, zoom;
    size_t side = g->cols * g->tw > rows * g->th ? g->cols * g->tw : rows * g->th;
    size_t want = g->mode == WEIGHTS_MATRIX ? 400 : 84;
    zoom = big >= want ? 1 : (want + big - 1) / big;
    if (side * zoom > 2000) zoom = side >= 2000 ? 1 : 2000 / side;
    return zoom;
}

/* Does name end in suffix (any case)? */
static int has_suffix(const char *name, const char *suffix)
{
    size_t n = strlen(name), k = strlen(suffix);
    return n >= k && !strcasecmp(name + n - k, suffix);
}

/* nn weights MODEL --out FILE.png [--layer N] [--zoom Z] [--width W]. */
static int weights_png(const OptSpec *S, const char **val, const char *mpath, const char *path)
{
    Net Nf, N;
    Meta M;
    Err err = {{0}, {0}};
    Canvas c = {0, 0, NULL};
    Buf b = {NULL, 0, 0, 0};
    WeightsLayout g;
    size_t v, zoom = 0, width = 0;
    int l, first = 1, rc;
    float scale;
    const char *s;
    if ((rc = output_is_input("weights", path, mpath))) return rc;
    if ((s = OPT(S, val, "zoom")) && (parse_size(s, 64, &zoom) || zoom < 1))
        return usage_error("weights", "--zoom '%s': expected a whole number from 1 to 64", s);
    if (model_load(mpath, &Nf, &M, &err)) {
        report(&err);
        return 1;
    }
    if ((rc = member_view("weights", mpath, &Nf, OPT(S, val, "member"), "drawing", &N))) {
        free(Nf.param), model_meta_free(&M);
        return rc;
    }
    while (first < N.nl - 1 && !(LK(&N, first)->flags & KIND_DRAW)) first++; /* past pools on the input */
    l = first;
    rc = 0;
    if ((s = OPT(S, val, "layer"))) {
        if (parse_size(s, (size_t)N.nl - 1, &v) || v < 1)
            rc = usage_error("weights", "--layer '%s': expected a layer from 1 to %d", s, N.nl - 1);
        else if (!N.layer[v].nw)
            rc = usage_error("weights", "--layer %zu: a %s has no weights to draw", v, LK(&N, (int)v)->noun);
        else l = (int)v;
    }
    if (!rc && (s = OPT(S, val, "width"))) {
        if (l != first || (LK(&N, l)->flags & KIND_KERNEL))
            rc = usage_error("weights", "--width is for a first dense layer; layer %d's tiles are %s", l,
                             (LK(&N, l)->flags & KIND_KERNEL) ? "its kernels" : "its weight matrix");
        else if (parse_size(s, N.layer[l].wcols, &width) || width < 1)
            rc = usage_error("weights", "--width '%s': expected a whole number from 1 to the input size", s);
    }
    if (rc) {
        free(Nf.param);
        model_meta_free(&M);
        return rc;
    }
    g = weights_layout(&N, l, first, width);
    if (!zoom) zoom = weights_zoom(&g);
    if (draw_weights(&N, l, NET_W(&N, l), &g, zoom, &c, &scale)) rc = fail(&err, path, "the picture would be too large (--zoom 1?)");
    else if (canvas_png(&c, &b)) rc = fail(&err, path, "out of memory");
    else rc = write_output(path, b.p, b.n, &err);
    if (rc) report(&err);
    else
        say("%s: layer %d (%s), %zu tile%s of %zux%zu pixels, %zux%zu in all (%s); weights from -%.3g (blue) through 0 "
            "(white) to +%.3g (red)", path, l, LK(&N, l)->name, g.tiles, plural(g.tiles), g.tw * zoom, g.th * zoom, c.w,
            c.h, g.mode == WEIGHTS_MATRIX ? "a row per unit, a column per input" : g.mode == WEIGHTS_KERNELS ?
            "a row per map, a column per input channel" : "a tile per unit, its weights laid out as the input",
            (double)scale, (double)scale);
    free(c.p);
    free(b.p);
    free(Nf.param);
    model_meta_free(&M);
    return rc ? 1 : 0;
}

static int cmd_weights(int argc, char **argv)
{
    const OptSpec *S = weights_opts;
    const char *val[NN_MAX_OPTS] = {0}, *pos[1], *path;
    int npos, rc;
    Net Nf, N;
    Meta M;
    Err err = {{0}, {0}};
    size_t n, tw, th, cols, rows, W, H, v, tiles, zoom = 1;
    int l1 = 1; /* the layer drawn: the first with weights */
    uint8_t *img;
    char head[64];
    int hl;
    if ((rc = parse_opts("weights", argc, argv, S, val, (int)(sizeof val / sizeof *val), pos, 1, &npos))) return rc;
    if (OPT(S, val, "help")) {
        print_cmd_help(stdout, find_command("weights"));
        return finish_stdout();
    }
    if (npos == 1 && OPT(S, val, "out") && OPT(S, val, "pgm")) return usage_error("weights", "give --out FILE.png or --pgm FILE, not both");
    if (npos != 1 || !OPT(S, val, "out") == !OPT(S, val, "pgm"))
        return usage_error("weights", "expected MODEL and --out FILE.png (or --pgm FILE)");
    path = OPT(S, val, "out") ? OPT(S, val, "out") : OPT(S, val, "pgm");
    if (OPT(S, val, "out") && !has_suffix(path, ".pgm")) { /* (--out FILE.pgm: as --pgm FILE) */
        if (!has_suffix(path, ".png"))
            return usage_error("weights", "--out '%s': give a file name ending in .png (or .pgm for PGM)", path);
        return weights_png(S, val, pos[0], path);
    }
    if (OPT(S, val, "layer") || OPT(S, val, "zoom")) return usage_error("weights", "--layer and --zoom are for --out FILE.png");
    if ((rc = output_is_input("weights", path, pos[0]))) return rc;
    if (model_load(pos[0], &Nf, &M, &err)) {
        report(&err);
        return 1;
    }
    if ((rc = member_view("weights", pos[0], &Nf, OPT(S, val, "member"), "drawing", &N))) {
        free(Nf.param), model_meta_free(&M);
        return rc;
    }
    while (l1 < N.nl - 1 && !(LK(&N, l1)->flags & KIND_DRAW)) l1++; /* past pools on the input */
    {
        const Layer *ly = &N.layer[l1];
        n = ly->wcols, tiles = ly->wrows;
        int kernel = (LK(&N, l1)->flags & KIND_KERNEL) != 0;
        if (kernel) tw = ly->k, zoom = ly->k < 32 ? 32 / ly->k : 1;
        else if (net_images(&N)) tw = ly->iw * ly->ic; /* a row of pixels, channels interleaved */
        else tw = (size_t)floor(sqrt((double)n) + 0.5);
        if (kernel && OPT(S, val, "width")) {
            free(Nf.param), model_meta_free(&M);
            return usage_error("weights", "--width is for a dense first layer; a convolution's tiles are its %zux%zu kernels", ly->k, ly->k);
        }
    }
    if (OPT(S, val, "width")) {
        if (parse_size(OPT(S, val, "width"), n, &v) || v < 1) {
            free(Nf.param), model_meta_free(&M);
            return usage_error("weights", "--width '%s': expected a whole number from 1 to the input size", OPT(S, val, "width"));
        }
        tw = v;
    }
    th = (n + tw - 1) / tw;
    cols = (size_t)ceil(sqrt((double)tiles)), rows = (tiles + cols - 1) / cols;
    if (tw > 65535 || th > 65535) W = H = SIZE_MAX;
    else W = cols * (tw * zoom + 1) + 1, H = rows * (th * zoom + 1) + 1;
    if (W > 65535 || H > 65535 || !(img = malloc(W * H))) {
        free(Nf.param), model_meta_free(&M);
        say("the picture would be too large");
        return 1;
    }
    memset(img, 128, W * H);
    for (size_t j = 0; j < tiles; j++) {
        const float *w = NET_W(&N, l1) + j * N.layer[l1].ldw;
        float lo = w[0], hi = w[0];
        size_t x0 = (j % cols) * (tw * zoom + 1) + 1, y0 = (j / cols) * (th * zoom + 1) + 1, ic = N.layer[l1].ic;
        for (size_t i = 1; i < n; i++) lo = w[i] < lo ? w[i] : lo, hi = w[i] > hi ? w[i] : hi;
        for (size_t i = 0; i < tw * th; i++) {
            size_t q = i; /* the weight drawn at tile pixel i: a kernel's is stored (dy, dx, channel) */
            uint8_t g;
            if (LK(&N, l1)->flags & KIND_KERNEL) q = (i % (tw * tw)) / tw * tw * ic + i % tw * ic + i / (tw * tw);
            g = q < n && hi > lo ? (uint8_t)((w[q] - lo) / (hi - lo) * 255.0f + 0.5f) : 0;
            for (size_t zy = 0; zy < zoom; zy++)
                memset(img + (y0 + i / tw * zoom + zy) * W + x0 + i % tw * zoom, g, zoom);
        }
    }
    hl = snprintf(head, sizeof head, "P5\n%zu %zu\n255\n", W, H);
    {
        uint8_t *file = malloc((size_t)hl + W * H);
        if (!file) rc = fail(&err, path, "out of memory");
        else {
            memcpy(file, head, (size_t)hl);
            memcpy(file + hl, img, W * H);
            rc = write_output(path, file, (size_t)hl + W * H, &err);
        }
        free(file);
    }
    free(img), free(Nf.param), model_meta_free(&M);
    if (rc) {
        report(&err);
        return 1;
    }
    if (l1 > 1) say("%s: %zu tiles of %zux%zu pixels, %zux%zu in all (layer %d, after the %s%s on the input)", path, tiles, tw * zoom,
                    th * zoom, W, H, l1, LK(&N, 1)->noun, l1 > 2 ? "s" : "");
    else say("%s: %zu tiles of %zux%zu pixels, %zux%zu in all", path, tiles, tw * zoom, th * zoom, W, H);
    return 0;
}

/* The rules of the exporters' table for the options in val: 0, or the
 * usage error's status. */
static int export_rules(const OptSpec *S, const char **val, const char *model)
{
    int nout = 0, rc;
    char list[256] = "";
    for (const Exporter *x = exporters; x->opt; x++) {
        size_t l = strlen(list);
        nout += OPT(S, val, x->opt) != NULL;
        snprintf(list + l, sizeof list - l, "%s--%s %s", l ? " or " : "", x->opt, x->arg);
    }
    if (!model || !nout) return usage_error("export", "expected MODEL and %s", list);
    for (const Exporter *x = exporters; x->opt; x++) {
        const char *path = OPT(S, val, x->opt);
        if (!path) {
            for (int k = 0; x->own[k]; k++)
                if (OPT(S, val, x->own[k])) return usage_error("export", "--%s is for %s (--%s %s)", x->own[k], x->what, x->opt, x->arg);
            continue;
        }
        if ((rc = output_is_input("export", path, model))) return rc;
        for (const Exporter *y = x + 1; y->opt; y++) {
            const char *other = OPT(S, val, y->opt);
            if (other && (!strcmp(path, other) || same_file(path, other)))
                return usage_error("export", "--%s and --%s name the same %s", x->opt, y->opt, !strcmp(path, "-") ? "output, stdout" : "file");
        }
        if (x->binary && !strcmp(path, "-") && isatty(STDOUT_FILENO))
            return usage_error("export", "--%s - writes a binary file: redirect it (> model%s)", x->opt, strchr(x->arg, '.'));
    }
    return 0;
}

/* The C header's prefix (ExportOpt.prefix, out): --prefix NAME, a C
 * identifier; else the header file's name up to its first '.', letters,
 * digits and '_' kept, others made '_' (model.h: model; 2-class.h:
 * m2_class); stdout: nn.  0, or 2 after a usage message. */
static int c_prefix_option(const char *given, const char *path, char *out)
{
    const char *base = path && strcmp(path, "-") ? strrchr(path, '/') : NULL;
    size_t k = 0;
    if (given) {
        int ok = c_ident_start(*given) && strlen(given) <= NN_MAX_PREFIX;
        for (const char *q = given; ok && *q; q++) ok = c_ident_char(*q);
        if (!ok) return usage_error("export", "--prefix '%s': a C identifier of at most %d characters (letters, digits, '_'; "
                                    "not starting with a digit)", given, NN_MAX_PREFIX);
        strcpy(out, given);
        return 0;
    }
    base = base ? base + 1 : path && strcmp(path, "-") ? path : "nn";
    if (*base >= '0' && *base <= '9') out[k++] = 'm';
    for (const char *q = base; *q && *q != '.' && k < NN_MAX_PREFIX; q++) out[k++] = c_ident_char(*q) ? *q : '_';
    if (!k) out[k++] = 'n', out[k++] = 'n';
    out[k] = 0;
    return 0;
}

static int cmd_export(int argc, char **argv)
{
    const OptSpec *S = export_opts;
    const char *val[NN_MAX_OPTS] = {0}, *pos[1], *tpath;
    int npos, rc, nt, folded = 1;
    Net N, F;
    Meta M;
    Data d;
    Q8 Q;
    ExportOpt eo;
    Err err = {{0}, {0}};
    char why[200];
    if ((rc = parse_opts("export", argc, argv, S, val, (int)(sizeof val / sizeof *val), pos, 1, &npos))) return rc;
    if (OPT(S, val, "help")) {
        print_cmd_help(stdout, find_command("export"));
        return finish_stdout();
    }
    if ((rc = export_rules(S, val, npos == 1 ? pos[0] : NULL))) return rc;
    if (OPT(S, val, "labels") && !OPT(S, val, "test")) return usage_error("export", "--labels goes with --test DATA");
    if (threads_option("export", OPT(S, val, "threads"), &nt)) return 2;
    memset(&eo, 0, sizeof eo), memset(&Q, 0, sizeof Q), memset(&d, 0, sizeof d), memset(&F, 0, sizeof F);
    eo.model = pos[0];
    if ((rc = c_prefix_option(OPT(S, val, "prefix"), OPT(S, val, "c"), eo.prefix))) return rc;
    if ((tpath = OPT(S, val, "test"))) {
        CsvOpt co;
        if (csv_options("export", NULL, NULL, NULL, NULL, LABEL_AUTO, &co)) return 2;
        if ((rc = load_model_and_data(pos[0], tpath, OPT(S, val, "labels"), &co, 1, &N, &M, &d))) return rc;
    } else if (model_load(pos[0], &N, &M, &err)) {
        report(&err);
        return 1;
    }
    if ((folded = net_fold(&N, &F, &err)) < 0) { /* batch normalisation, folded for the C header */
        report(&err);
        free(N.param), model_meta_free(&M), data_free(&d);
        return 1;
    }
    if (OPT(S, val, "int8")) {
        if (N.members > 1) {
            fprintf(stderr, "%s: %s: --int8 takes one network, and this model is an ensemble of %d; export it in float (--c without --int8)\n",
                    progname, pos[0], N.members);
            free(N.param), free(F.param), model_meta_free(&M), data_free(&d);
            return 1;
        }
        if (q8_make(folded ? &N : &F, &Q, why, sizeof why)) {
            fprintf(stderr, "%s: %s: %s\n", progname, pos[0], why);
            free(N.param), free(F.param), model_meta_free(&M), data_free(&d);
            return 1;
        }
        eo.q8 = &Q;
    }
    if (tpath) { /* the float network as nn predicts, and the int8 one as the header will */
        size_t K = N.size[N.nl - 1];
        float *out = alloc_floats2(d.n, K);
        int32_t *pred = alloc_array(d.n, sizeof(int32_t));
        Pool *pl = pool_new(nt);
        Infer I;
        char f32[160] = "", i8[160] = "";
        rc = !out || !pred || !pl || infer_init(&I, &N, &M.in, pl->nt, &err);
        if (!rc) {
            infer_all(pl, &I, &d, out, pred);
            infer_free(&I);
            if (N.task == TASK_REGRESS) /* into the data's units, as predict prints them */
                for (size_t r = 0; r < d.n; r++)
                    for (size_t k = 0; k < K; k++) out[r * K + k] = (float)target_unmap(&M.out, k, out[r * K + k]);
            test_figure(&N, &d, out, pred, f32, sizeof f32);
            if (eo.q8) {
                Q8Job J = {folded ? &N : &F, &Q, &M, &d, out, pred, 0};
                pool_run(pl, q8_job, &J);
                rc = J.oom;
                test_figure(&N, &d, out, pred, i8, sizeof i8);
            }
        }
        free(out), free(pred), pool_free(pl);
        if (rc) {
            say("out of memory");
            q8_free(&Q), free(N.param), free(F.param), model_meta_free(&M), data_free(&d);
            return 1;
        }
        snprintf(eo.test, sizeof eo.test, "%.300s (%zu rows): float %s%s%s", d.name, d.n, f32, i8[0] ? ", int8 " : "", i8);
        say("%s", eo.test);
    }
    for (const Exporter *x = exporters; !rc && x->opt; x++) {
        Buf b = {NULL, 0, 0, 0};
        const char *path = OPT(S, val, x->opt);
        if (!path) continue;
        x->write(&b, x->folded && !folded ? &F : &N, &M, &eo);
        if (b.oom) rc = fail(&err, path, "out of memory");
        else rc = write_output(path, b.p, b.n, &err);
        free(b.p);
        if (rc) report(&err);
    }
    q8_free(&Q), free(N.param), free(F.param), model_meta_free(&M), data_free(&d);
    return rc ? 1 : 0;
}

/* ======================================================================== */
/* @@explain nn explain                                                    */
/* ======================================================================== */

/* nn explain MODEL DATA [--index I | --row N] [--class C] [--out PREFIX]:
 * one row through the model, looked at from inside (the textbook's chapter
 * 2; 3Blue1Brown's pictures).  On stdout: the prediction and the outputs;
 * the saliency, dz/dx of the class explained (z its output unit's weighted
 * input, the score before the output activation): how much each input
 * moves the score, and gradient x input, each input's share of it to
 * first order; every layer's activations, with units dead on the first
 * NN_PROBE rows (always 0) and saturated ones (a sigmoid or tanh within
 * 0.02 of its ends) marked; the units that contributed most to the score
 * (activation x weight); and with a label the nudge: the gradient of this
 * one row's cost, as the change one step of SGD on it alone (at the
 * model's eta) asks of every weight and bias.  --out PREFIX writes the
 * pictures: PREFIX-saliency.png (an image input), PREFIX-layerN.png and
 * PREFIX-nudge.png.  backprop_rows (@@infer) computes the gradients; the
 * unit tests hold them against central differences. */

typedef struct {
    const Net *N;
    const Meta *M;
    const Data *d;
    size_t r;                     /* the row */
    size_t cls;                   /* the output unit explained */
    float *A[NN_MAX_LAYERS];      /* (ld[l]) the row's activations */
    float *D[NN_MAX_LAYERS];      /* (ld[l]) deltas */
    float *sal;                   /* (size[0]) dz/dx of the unit explained */
    float *G;                     /* (nparam) the gradient of the row's cost, or NULL without a label */
    double cost;
    uint8_t *dead[NN_MAX_LAYERS]; /* (size[l]) never above 0 on the probed rows (a ReLU's), or NULL */
    size_t probed;                /* those rows */
    size_t img[3];                /* the input as an image, C x H x W, or 0s */
    float *tmp, *part;
} Explain;

static void explain_free(Explain *E)
{
    for (int l = 0; l < NN_MAX_LAYERS; l++) free(E->A[l]), free(E->D[l]), free(E->dead[l]);
    free(E->sal), free(E->G), free(E->tmp), free(E->part);
}

/* The input as an image: the network's own shape, the file's, or a square
 * of 16 pixels or more when neither says (not a table with categories). */
static void explain_shape(Explain *E)
{
    const Net *N = E->N;
    size_t n = N->size[0], s = (size_t)floor(sqrt((double)n) + 0.5);
    memset(E->img, 0, sizeof E->img);
    if (N->shape[0][1] > 1) memcpy(E->img, N->shape[0], sizeof E->img);
    else if (E->d->shape[0] && E->d->shape[0] * E->d->shape[1] * E->d->shape[2] == n) memcpy(E->img, E->d->shape, sizeof E->img);
    else if (table_flat(&E->M->tab) && s * s == n && n >= 16) E->img[0] = 1, E->img[1] = E->img[2] = s;
}

/* What input i is, for people: a table's column (a category's one-hot
 * input as column=category), an image's pixel, or its number. */
static const char *input_text(const Explain *E, size_t i, char *buf, size_t n)
{
    const Table *t = &E->M->tab;
    size_t at = 0;
    for (uint32_t c = 0; c < t->ncol; c++) {
        const Column *col = &t->col[c];
        if (col->kind == COL_NUMBER && at++ == i) {
            snprintf(buf, n, "%s", col->name ? col->name : "?");
            return buf;
        }
        if (col->kind == COL_CATEGORY) {
            if (i < at + col->ncat) {
                const char *cat = col->cats[i - at];
                snprintf(buf, n, "%s=%s", col->name ? col->name : "?", *cat ? cat : "(missing)");
                return buf;
            }
            at += col->ncat;
        }
    }
    if (E->img[0]) {
        size_t p = i / E->img[0];
        if (E->img[0] > 1) snprintf(buf, n, "pixel (%zu, %zu) channel %zu", p % E->img[2], p / E->img[2], i % E->img[0]);
        else snprintf(buf, n, "pixel (%zu, %zu)", p % E->img[2], p / E->img[2]);
    } else {
        snprintf(buf, n, "input %zu", i);
    }
    return buf;
}

/* The output unit's text: a class name or number, or a regression target. */
static const char *unit_text(const Explain *E, size_t k, char *buf, size_t n)
{
    if (E->N->task == TASK_REGRESS) { /* a table's k-th target column, by name */
        size_t at = 0;
        for (uint32_t c = 0; c < E->M->tab.ncol; c++)
            if (E->M->tab.col[c].kind == COL_TARGET && at++ == k && E->M->tab.col[c].name) {
                snprintf(buf, n, "%s", E->M->tab.col[c].name);
                return buf;
            }
        snprintf(buf, n, "output %zu", k);
        return buf;
    }
    return class_text(E->M->names, E->M->nnames, k, buf, n);
}

/* Room for everything explain computes, and the row's activations
 * (forward_keep).  0, or -1 out of memory. */
static int explain_forward(Explain *E)
{
    const Net *N = E->N;
    int ok = 1;
    E->tmp = alloc_floats(net_tmp(N) + 1), E->part = alloc_floats(backprop_part(N, NN_CHUNK) + 1);
    E->sal = alloc_floats(N->ld[0]);
    E->G = E->d->y || E->d->t ? alloc_floats(N->nparam) : NULL;
    ok = E->tmp && E->part && E->sal && (E->G || !(E->d->y || E->d->t));
    for (int l = 0; l < N->nl && ok; l++)
        ok = (E->A[l] = alloc_floats(N->ld[l])) && (E->D[l] = alloc_floats(N->ld[l])) && (E->dead[l] = calloc(N->size[l], 1));
    if (!ok) return -1;
    forward_keep(N, &E->M->in, E->d, E->r, 1, E->A, E->tmp);
    return 0;
}

/* The rest: the saliency of unit E->cls, the cost's gradient with a
 * label, the dead units on the first rows.  0, or -1 out of memory. */
static int explain_grads(Explain *E)
{
    const Net *N = E->N;
    int L = N->nl - 1, ok = 1;
    size_t probe = E->d->n < NN_PROBE ? E->d->n : NN_PROBE, chunk = NN_CHUNK;
    float *P[NN_MAX_LAYERS] = {0};
    double *c = calloc(N->ld[L], sizeof *c);
    for (int l = 0; l <= L && ok; l++) ok = (P[l] = alloc_floats2(chunk, N->ld[l])) != NULL;
    if (!ok || !c) {
        for (int l = 0; l <= L; l++) free(P[l]);
        free(c);
        return -1;
    }
    memset(E->D[L], 0, N->ld[L] * sizeof(float)); /* the saliency: dz/dx of the unit explained */
    E->D[L][E->cls] = 1;
    backprop_rows(N, 1, E->A, E->D, NULL, E->tmp, E->part);
    memcpy(E->sal, E->D[0], N->ld[0] * sizeof(float));
    if (E->G) { /* the nudge: the row's cost's gradient (the task's output error, BP1, then BP2 to BP4) */
        memset(E->D[L], 0, N->ld[L] * sizeof(float));
        TASK(N)->error(N, E->d, E->A[L], 1, N->ld[L], 0, N->size[L], &E->r, E->D[L], c);
        E->cost = 0;
        for (size_t k = 0; k < N->size[L]; k++) E->cost += c[k];
        backprop_rows(N, 1, E->A, E->D, E->G, E->tmp, E->part);
    }
    for (int l = 1; l < L; l++) /* dead: a ReLU never above 0 on the probed rows */
        memset(E->dead[l], N->layer[l].act == ACT_RELU, N->size[l]);
    for (size_t r = 0; r < probe; r += chunk) {
        size_t m = probe - r < chunk ? probe - r : chunk;
        forward_keep(N, &E->M->in, E->d, r, m, P, E->tmp);
        for (int l = 1; l < L; l++)
            if (N->layer[l].act == ACT_RELU)
                for (size_t b = 0; b < m; b++)
                    for (size_t j = 0; j < N->size[l]; j++)
                        if (P[l][b * N->ld[l] + j] > 0) E->dead[l][j] = 0;
    }
    E->probed = probe;
    for (int l = 0; l <= L; l++) free(P[l]);
    free(c);
    return 0;
}

/* Is activation a of a unit with activation act saturated? */
static int saturated(float a, int act)
{
    if (act == ACT_SIGMOID) return a < 0.02f || a > 0.98f;
    if (act == ACT_TANH) return a < -0.98f || a > 0.98f;
    return 0;
}

/* Up to 12 of the n unit numbers in list, and how many more. */
static void print_units(const char *what, const size_t *list, size_t n)
{
    if (!n) return;
    printf("  %s: unit%s", what, plural(n));
    for (size_t i = 0; i < n && i < 12; i++) printf("%s %zu", i ? "," : "", list[i]);
    if (n > 12) printf(" and %zu more", n - 12);
    putchar('\n');
}

/* Layer l's activations on stdout: a dense layer's as a strip, a unit a
 * character, from its smallest to its largest value; an image layer's as
 * a strip of its maps' means; with the dead and saturated units. */
static void explain_layer(const Explain *E, int l, int ascii)
{
    static const char *const bars[8] = {"\u2581", "\u2582", "\u2583", "\u2584", "\u2585", "\u2586", "\u2587", "\u2588"};
    static const char ramp[] = " .:-=+*#%@";
    const Net *N = E->N;
    const Layer *ly = &N->layer[l];
    const float *a = E->A[l];
    size_t n = N->size[l], maps = ly->oc, px = n / (maps ? maps : 1), *dead = calloc(n, sizeof *dead), *sat = calloc(n, sizeof *sat);
    size_t nd = 0, ns = 0, zero = 0, strip = (LK(N, l)->flags & KIND_FLAT) ? n : maps;
    float lo = 0, hi = 0, *v = alloc_floats(strip ? strip : 1);
    char spec[64];
    if (!dead || !sat || !v) {
        free(dead), free(sat), free(v);
        return;
    }
    LK(N, l)->print(ly, spec, sizeof spec);
    for (size_t s = 0; s < strip; s++) { /* a unit, or a map's mean */
        double m = 0;
        if (strip == n) m = a[s];
        else
            for (size_t p = 0; p < px; p++) m += a[p * maps + s] / (double)px;
        v[s] = (float)m;
        lo = !s || v[s] < lo ? v[s] : lo, hi = !s || v[s] > hi ? v[s] : hi;
    }
    if (lo > 0) lo = 0;
    for (size_t j = 0; j < n; j++) {
        if (E->dead[l] && E->dead[l][j] && l < N->nl - 1) dead[nd++] = j;
        if (saturated(a[j], ly->act)) sat[ns++] = j;
        zero += a[j] == 0;
    }
    if (strip == n) printf("layer %d (%s %s, %s): %zu unit%s, from %.3g to %.3g\n  ", l, LK(N, l)->name, spec,
                           act_name(ly->act), n, plural(n), (double)lo, (double)hi);
    else printf("layer %d (%s %s, %s): %zu maps of %zux%zu; the maps' means, from %.3g to %.3g\n  ", l, LK(N, l)->name,
                spec, act_name(ly->act), maps, ly->oh, ly->ow, (double)lo, (double)hi);
    for (size_t s = 0; s < strip; s++) {
        double t = hi > lo ? (v[s] - lo) / (hi - lo) : 0;
        if (ascii) putchar(ramp[(int)(t * 9.999)]);
        else fputs(bars[(int)(t * 7.999)], stdout);
        if (s % 64 == 63 && s + 1 < strip) fputs("\n  ", stdout);
    }
    putchar('\n');
    if (ly->act == ACT_RELU) printf("  %zu of %zu value%s 0 on this row (%.0f%%)\n", zero, n, plural(n), 100.0 * (double)zero / (double)n);
    if (strip == n) {
        print_units("dead (0 on every row probed)", dead, nd);
        print_units("saturated (within 0.02 of an end)", sat, ns);
    } else if (nd) { /* a map is dead when every value of it is */
        size_t *dm = dead, k = 0;
        for (size_t c = 0; c < maps; c++) {
            size_t p = 0;
            while (p < px && E->dead[l][p * maps + c]) p++;
            if (p == px) dm[k++] = c;
        }
        if (k) printf("  dead maps (0 everywhere on every row probed): %zu of %zu\n", k, maps);
    }
    free(dead), free(sat), free(v);
}

/* The terms of the score z of the unit explained: bias + activation x
 * weight over the output layer's inputs, the largest on stdout. */
static void explain_terms(const Explain *E)
{
    const Net *N = E->N;
    int L = N->nl - 1;
    const Layer *ly = &N->layer[L];
    const float *W = NET_W(N, L) + E->cls * ly->ldw, *a = E->A[L - 1];
    size_t n = ly->nin, *idx = calloc(n, sizeof *idx), show = n < 8 ? n : 8;
    double z = NET_B(N, L)[E->cls];
    char b1[160], b2[64];
    if (!idx || (LK(N, L)->flags & KIND_BY_ROWS)) {
        free(idx);
        return;
    }
    for (size_t i = 0; i < n; i++) idx[i] = i, z += (double)W[i] * a[i];
    for (size_t i = 0; i < show; i++) /* the largest |a w| first */
        for (size_t j = i + 1; j < n; j++)
            if (fabsf(W[idx[j]] * a[idx[j]]) > fabsf(W[idx[i]] * a[idx[i]])) {
                size_t t = idx[i];
                idx[i] = idx[j], idx[j] = t;
            }
    printf("\nwhat made the score of %s: z = bias + sum of activation x weight = %.4g%s; the largest terms%s:\n",
           unit_text(E, E->cls, b2, sizeof b2), z, N->task == TASK_REGRESS ? " (in standard deviations of the target: the "
           "prediction is the target's mean + z x its deviation)" : "", L > 1 ? "" : " (inputs)");
    for (size_t i = 0; i < show; i++) {
        size_t j = idx[i];
        const Layer *lo = &N->layer[L - 1];
        if (L > 1 && !(LK(N, L - 1)->flags & KIND_FLAT))
            snprintf(b1, sizeof b1, "layer %d map %zu at (%zu, %zu)", L - 1, j % lo->oc, j / lo->oc % lo->ow, j / lo->oc / lo->ow);
        else if (L > 1) snprintf(b1, sizeof b1, "unit %zu of layer %d", j, L - 1);
        else input_text(E, j, b1, sizeof b1);
        printf("  %-28s %9.4g x %9.4g = %+.4g\n", b1, (double)a[j], (double)W[j], (double)(a[j] * W[j]));
    }
    printf("  %-28s %33s %+.4g\n", "bias", "", (double)NET_B(N, L)[E->cls]);
    free(idx);
}

/* The saliency on stdout: an image's |dz/dx| summed over its channels,
 * drawn; or a table's inputs with the largest gradient x input. */
static void explain_saliency(const Explain *E, int ascii)
{
    const Net *N = E->N;
    size_t n = N->size[0], *idx = calloc(n, sizeof *idx), show = n < 10 ? n : 10;
    const float *x = E->A[0], *g = E->sal;
    char b[160], u[64];
    double gx = 0;
    if (!idx) return;
    for (size_t i = 0; i < n; i++) idx[i] = i, gx += (double)g[i] * x[i];
    printf("\nsaliency of %s: dz/dx, how much each input x moves its score z\n",
           unit_text(E, E->cls, u, sizeof u));
    if (E->img[0]) {
        size_t C = E->img[0], H = E->img[1], W = E->img[2];
        float *m = alloc_floats(H * W), hi = 0;
        if (m) {
            for (size_t p = 0; p < H * W; p++) {
                for (size_t c = 0; c < C; c++) m[p] += fabsf(g[p * C + c]);
                hi = m[p] > hi ? m[p] : hi;
            }
            printf("  |dz/dx| (white: the pixels the score is most sensitive to; largest %.3g):\n", (double)hi);
            term_map(m, W, H, 1, 0, hi, ascii);
            for (size_t p = 0; p < H * W; p++) { /* gradient x input: positive part */
                m[p] = 0;
                for (size_t c = 0; c < C; c++) m[p] += g[p * C + c] * x[p * C + c];
            }
            hi = 0;
            for (size_t p = 0; p < H * W; p++) hi = fabsf(m[p]) > hi ? fabsf(m[p]) : hi;
            printf("  gradient x input, where the score comes from (white: raises it, black: lowers it, grey: 0):\n");
            term_map(m, W, H, 1, -hi, hi, ascii);
            free(m);
        }
    }
    for (size_t i = 0; i < show; i++)
        for (size_t j = i + 1; j < n; j++)
            if (fabsf(g[idx[j]] * x[idx[j]]) > fabsf(g[idx[i]] * x[idx[i]])) {
                size_t t = idx[i];
                idx[i] = idx[j], idx[j] = t;
            }
    printf("  the inputs with the largest gradient x input (summed over all %zu inputs: %.4g; value: in the file, x: as the network sees it%s):\n",
           n, gx, E->M->in.mean ? ", standardised" : ", scaled");
    printf("  %-32s %10s %10s %10s %10s\n", "input", "value", "x", "dz/dx", "x dz/dx");
    for (size_t i = 0; i < show; i++) {
        size_t j = idx[i];
        double raw = E->d->x8 ? E->d->x8[E->r * E->d->d + j] : E->d->xf[E->r * E->d->d + j];
        printf("  %-32s %10.4g %10.4g %10.4g %+10.4g\n", input_text(E, j, b, sizeof b), raw, (double)x[j], (double)g[j],
               (double)(g[j] * x[j]));
    }
    free(idx);
}

/* The nudge on stdout: the change one SGD step on this row alone asks,
 * -eta dC/dw, summarised per layer. */
static void explain_nudge(const Explain *E)
{
    const Net *N = E->N;
    int L = N->nl - 1;
    float eta = E->M->eta > 0 ? E->M->eta : 1;
    char b[64];
    printf("\nthe nudge: this row's cost is %.4g; one step of plain SGD on it alone (eta %g%s%s) would change\n", E->cost,
           (double)eta, E->M->optimizer > OPT_SGD && E->M->optimizer < OPT_COUNT ? ", the model's; it was trained with " : "",
           E->M->optimizer > OPT_SGD && E->M->optimizer < OPT_COUNT ? opt_names[E->M->optimizer] : "");
    for (int l = L; l >= 1; l--) {
        const Layer *ly = &N->layer[l];
        const float *G = E->G + ly->woff, *Gb = E->G + ly->boff;
        double norm = 0, big = 0;
        size_t bj = 0, bu = 0;
        if (!ly->nw) continue;
        for (size_t j = 0; j < ly->wrows; j++)
            for (size_t i = 0; i < ly->wcols; i++) {
                double g = G[j * ly->ldw + i];
                norm += g * g;
                if (fabs(g) > big) big = fabs(g), bj = j;
            }
        for (size_t j = 1; j < ly->nbias; j++)
            if (fabsf(Gb[j]) > fabsf(Gb[bu])) bu = j;
        printf("  layer %d: weights by up to %.3g (%s %zu's most), %.3g in all (norm); biases by up to %.3g (%s %zu)\n", l,
               eta * big, (LK(N, l)->flags & KIND_KERNEL) ? "map" : "unit", bj, eta * sqrt(norm),
               (double)(eta * fabsf(Gb[bu])), (LK(N, l)->flags & KIND_KERNEL) ? "map" : "unit", bu);
        if (l == L) {
            printf("    the output biases:");
            for (size_t k = 0; k < ly->nbias && k < 12; k++) printf(" %s %+.3g%s", unit_text(E, k, b, sizeof b), (double)(-eta * Gb[k]), k + 1 < ly->nbias && k < 11 ? "," : "");
            printf("%s\n", ly->nbias > 12 ? " ..." : "");
        }
    }
}

/* The canvas's text and a caption bar: z = 2 pixels a font pixel. */
#define CAPTION_H 14
static const uint8_t ink_black[3] = {0, 0, 0};

/* PREFIX-saliency.png: the input, the saliency over it, gradient x input. */
static int saliency_png(const Explain *E, const char *path, Err *err)
{
    size_t C = E->img[0], H = E->img[1], W = E->img[2], z = W >= 168 ? 1 : (168 + W - 1) / W, pw = W * z, ph = H * z;
    size_t gap = 10, cw = 3 * pw + 4 * gap, top = CAPTION_H + 4;
    const float *g = E->sal, *x = E->A[0];
    float sal = 0, gxs = 0;
    Canvas c;
    char cap[96], u[64];
    if (pw < 130) cw = 3 * 130 + 4 * gap;
    if (canvas_new(&c, cw, top + ph + LEGEND_H + 6, 255)) return fail(err, path, "the picture would be too large");
    for (size_t p = 0; p < H * W; p++) {
        float s = 0, t = 0;
        for (size_t k = 0; k < C; k++) s += g[p * C + k], t += g[p * C + k] * x[p * C + k];
        sal = fabsf(s) > sal ? fabsf(s) : sal, gxs = fabsf(t) > gxs ? fabsf(t) : gxs;
    }
    canvas_image(&c, gap, top, E->d, E->r, W, H, C, z);
    for (size_t p = 0; p < H * W; p++) {
        float s = 0, t = 0;
        uint8_t base[3], col[3], mix[3];
        for (size_t k = 0; k < C; k++) s += g[p * C + k], t += g[p * C + k] * x[p * C + k];
        memcpy(base, c.p + ((top + p / W * z) * c.w + gap + p % W * z) * 3, 3); /* the input's pixel, faded */
        diverging(s, sal, col);
        for (int k = 0; k < 3; k++) {
            float a = sal > 0 ? fabsf(s) / sal : 0, f = 255 - (255 - base[k]) * 0.35f;
            mix[k] = (uint8_t)(f * (1 - a) + col[k] * a + 0.5f);
        }
        canvas_fill(&c, 2 * gap + pw + p % W * z, top + p / W * z, z, z, mix);
        diverging(t, gxs, col);
        canvas_fill(&c, 3 * gap + 2 * pw + p % W * z, top + p / W * z, z, z, col);
    }
    canvas_text(&c, gap, 4, "INPUT", 2, ink_black);
    snprintf(cap, sizeof cap, "DZ/DX, %s", unit_text(E, E->cls, u, sizeof u));
    canvas_text(&c, 2 * gap + pw, 4, cap, 2, ink_black);
    canvas_text(&c, 3 * gap + 2 * pw, 4, "GRADIENT X INPUT", 2, ink_black);
    canvas_legend_at(&c, 2 * gap + pw, pw > 130 ? pw : 130, top + ph + 4, sal);
    canvas_legend_at(&c, 3 * gap + 2 * pw, pw > 130 ? pw : 130, top + ph + 4, gxs);
    return canvas_write(&c, path, err);
}

/* PREFIX-layerN.png: layer l's activations, a cell per unit (dense) or a
 * map per channel, on the diverging map with one scale; dead units
 * crossed out, saturated ones framed in black. */
static int layer_png(const Explain *E, int l, const char *path, Err *err)
{
    const Net *N = E->N;
    const Layer *ly = &N->layer[l];
    int flat = (LK(N, l)->flags & KIND_FLAT) != 0;
    size_t n = N->size[l], tiles = flat ? n : ly->oc, tw = flat ? 1 : ly->ow, th = flat ? 1 : ly->oh;
    size_t z = flat ? 24 : (tw >= 56 ? 1 : (56 + tw - 1) / tw), cols = (size_t)ceil(sqrt((double)tiles)), rows, cw, top = CAPTION_H + 4;
    float s = 0;
    Canvas c;
    char cap[128], spec[64];
    if (flat && cols < 10) cols = tiles < 10 ? tiles : 10;
    rows = (tiles + cols - 1) / cols;
    cw = cols * (tw * z + 2) + 2;
    for (size_t j = 0; j < n; j++) s = fabsf(E->A[l][j]) > s ? fabsf(E->A[l][j]) : s;
    LK(N, l)->print(ly, spec, sizeof spec);
    snprintf(cap, sizeof cap, "LAYER %d: %s %s", l, spec, act_name(ly->act));
    if (cw < text_width(cap, 2) + 8) cw = text_width(cap, 2) + 8;
    if (cw < 160) cw = 160;
    if (canvas_new(&c, cw, top + rows * (th * z + 2) + 2 + LEGEND_H, 255)) return fail(err, path, "the picture would be too large");
    canvas_text(&c, 4, 4, cap, 2, ink_black);
    for (size_t t = 0; t < tiles; t++) {
        size_t x0 = 2 + t % cols * (tw * z + 2), y0 = top + t / cols * (th * z + 2);
        int dead = E->dead[l] != NULL && l < N->nl - 1, sat = 0;
        for (size_t p = 0; p < tw * th; p++) {
            size_t j = flat ? t : p * ly->oc + t;
            uint8_t rgb[3];
            diverging(E->A[l][j], s, rgb);
            canvas_fill(&c, x0 + p % tw * z, y0 + p / tw * z, z, z, rgb);
            dead = dead && E->dead[l][j];
            sat = sat || saturated(E->A[l][j], ly->act);
        }
        if (dead) /* a cross */
            for (size_t k = 0; k < tw * z; k++) {
                canvas_fill(&c, x0 + k, y0 + k * th / tw, 1, 1, ink_black);
                canvas_fill(&c, x0 + tw * z - 1 - k, y0 + k * th / tw, 1, 1, ink_black);
            }
        if (sat && flat) {
            canvas_fill(&c, x0, y0, z, 2, ink_black), canvas_fill(&c, x0, y0 + z - 2, z, 2, ink_black);
            canvas_fill(&c, x0, y0, 2, z, ink_black), canvas_fill(&c, x0 + z - 2, y0, 2, z, ink_black);
        }
        if (flat || tiles > 1) { /* its number, as the text gives it */
            static const uint8_t grey[3] = {90, 90, 90};
            char num[24];
            snprintf(num, sizeof num, "%zu", t);
            if (text_width(num, 1) + 4 <= tw * z) canvas_text(&c, x0 + 3, y0 + 3, num, 1, grey);
        }
    }
    canvas_legend(&c, c.h - LEGEND_H, s);
    return canvas_write(&c, path, err);
}

/* PREFIX-nudge.png: the change -eta dC/dw one SGD step on the row asks of
 * the first layer's weights, drawn as nn weights draws the weights. */
static int nudge_png(const Explain *E, int l, const char *path, Err *err)
{
    const Net *N = E->N;
    const Layer *ly = &N->layer[l];
    WeightsLayout g = weights_layout(N, l, l, 0);
    float *V = alloc_floats(ly->nw ? ly->nw : 1), scale, eta = E->M->eta > 0 ? E->M->eta : 1;
    Canvas c = {0, 0, NULL};
    int rc;
    if (!V) return fail(err, path, "out of memory");
    for (size_t i = 0; i < ly->nw; i++) V[i] = -eta * E->G[ly->woff + i];
    if (draw_weights(N, l, V, &g, weights_zoom(&g), &c, &scale)) rc = fail(err, path, "the picture would be too large");
    else rc = canvas_write(&c, path, err);
    free(V), free(c.p);
    return rc;
}

/* The pictures of --out PREFIX; their names said on stderr. */
static int explain_pictures(const Explain *E, const char *prefix)
{
    const Net *N = E->N;
    char path[NN_MAX_PATH + 32];
    Err err = {{0}, {0}};
    int first = 1;
    if (E->img[0]) {
        snprintf(path, sizeof path, "%s-saliency.png", prefix);
        if (saliency_png(E, path, &err)) goto bad;
        say("%s: the input, dz/dx of the class explained over it (red raises its score, blue lowers it), and gradient x input", path);
    }
    for (int l = 1; l < N->nl; l++) {
        snprintf(path, sizeof path, "%s-layer%d.png", prefix, l);
        if (layer_png(E, l, path, &err)) goto bad;
    }
    say("%s-layer1.png to %s-layer%d.png: each layer's activations (crossed out: dead; framed: saturated)", prefix, prefix, N->nl - 1);
    while (first < N->nl - 1 && !(LK(N, first)->flags & KIND_DRAW)) first++;
    if (E->G && (LK(N, first)->flags & KIND_DRAW) && E->img[0]) { /* (a table's inputs are no picture) */
        snprintf(path, sizeof path, "%s-nudge.png", prefix);
        if (nudge_png(E, first, path, &err)) goto bad;
        say("%s: the change one SGD step on this row asks of layer %d's weights (red up, blue down)", path, first);
    }
    return 0;
bad:
    report(&err);
    return 1;
}

static int cmd_explain(int argc, char **argv)
{
    const OptSpec *S = explain_opts;
    const char *val[NN_MAX_OPTS] = {0}, *pos[2], *s, *prefix;
    int npos, rc, L, ascii;
    size_t v = 0, asked;
    CsvOpt co;
    Net Nf, N;
    Meta M;
    Data d;
    Explain E;
    struct stat st;
    char b1[64];
    size_t K;
    int32_t pred = 0, epred = 0;
    float *eout = NULL; /* an ensemble's own outputs for the row */
    if ((rc = parse_opts("explain", argc, argv, S, val, (int)(sizeof val / sizeof *val), pos, 2, &npos))) return rc;
    if (OPT(S, val, "help")) {
        print_cmd_help(stdout, find_command("explain"));
        return finish_stdout();
    }
    if (npos != 2) return usage_error("explain", "expected MODEL and DATA");
    {
        const char *ins[3] = {pos[0], pos[1], OPT(S, val, "labels")};
        static const char *const what[3] = {"MODEL", "DATA", "--labels"};
        if ((rc = distinct_streams("explain", ins, what, 3))) return rc;
    }
    if (OPT(S, val, "index") && OPT(S, val, "row")) return usage_error("explain", "give --index or --row, not both");
    if ((s = OPT(S, val, "index")) && parse_size(s, NN_MAX_ROWS, &v)) return usage_error("explain", "--index '%s': expected a row number from 0", s);
    if ((s = OPT(S, val, "row")) && (parse_size(s, NN_MAX_ROWS, &v) || v < 1)) return usage_error("explain", "--row '%s': expected a row number from 1", s);
    if ((prefix = OPT(S, val, "out")) && (!*prefix || !strcmp(prefix, "-"))) return usage_error("explain", "--out PREFIX: expected the start of the pictures' file names");
    if (csv_options("explain", OPT(S, val, "label-col"), OPT(S, val, "header"), OPT(S, val, "sep"), OPT(S, val, "decimal"), LABEL_AUTO, &co)) return 2;
    ascii = draw_mode(S, val) > 1;
    if (prefix) { /* the pictures can be written: checked before any work */
        char path[NN_MAX_PATH + 32];
        Err e = {{0}, {0}};
        snprintf(path, sizeof path, "%s-layer1.png", prefix);
        if (check_output(path, &e)) {
            report(&e);
            return 1;
        }
    }
    if (load_model_and_data(pos[0], pos[1], OPT(S, val, "labels"), &co, 2, &Nf, &M, &d)) return 1;
    if ((rc = member_view("explain", pos[0], &Nf, OPT(S, val, "member"), "after the ensemble's answer, the layers are", &N))) {
        data_free(&d), free(Nf.param), model_meta_free(&M);
        return rc;
    }
    memset(&E, 0, sizeof E);
    E.N = &N, E.M = &M, E.d = &d, L = N.nl - 1, K = N.size[L];
    E.r = asked = OPT(S, val, "index") ? v : OPT(S, val, "row") ? v - 1 : 0;
    rc = 0;
    if (d.lineno && (d.y || d.t) && strcmp(pos[1], "-") && !stat(pos[1], &st) && S_ISREG(st.st_mode)) { /* a table's rows without
                                                            * a label or target were left out: the row asked for is the
                                                            * file's, with or without one (a pipe is read once: its rows
                                                            * with one) */
        Net N2;
        Meta M2;
        Data all;
        CsvOpt c0 = co;
        c0.quiet = 1, c0.all_rows = 1;
        if (!load_model_and_data(pos[0], pos[1], NULL, &c0, 0, &N2, &M2, &all)) {
            int taken = 0;
            if (all.n > d.n && E.r < all.n && all.lineno) {
                size_t r = 0;
                while (r < d.n && d.lineno[r] != all.lineno[E.r]) r++;
                if (r < d.n) E.r = r;
                else { /* a row without its label or target: explained without one */
                    say("%s: line %zu has no %s: the row is explained without one", d.name, all.lineno[E.r],
                        N.task == TASK_REGRESS ? "target" : "label");
                    data_free(&d), d = all, taken = 1;
                }
            }
            if (!taken) data_free(&all);
            free(N2.param), model_meta_free(&M2);
        }
    }
    if (E.r >= d.n) {
        fprintf(stderr, "%s: %s has %zu rows; %s %s is past the end\n", progname, d.name, d.n,
                OPT(S, val, "row") ? "--row" : "--index", OPT(S, val, "row") ? OPT(S, val, "row") : OPT(S, val, "index"));
        rc = 1;
    }
    if (!rc && explain_forward(&E)) {
        say("out of memory");
        rc = 1;
    }
    if (!rc && Nf.members > 1) { /* the ensemble's answer, as predict gives it */
        Infer I;
        Err e2 = {{0}, {0}};
        if (!(eout = alloc_floats(K + 1)) || infer_init(&I, &Nf, &M.in, 1, &e2)) {
            say("out of memory");
            rc = 1;
        } else {
            size_t row = E.r;
            memset(I.scratch[0][0], 0, Nf.ld[0] * sizeof(float));
            map_rows(&M.in, &d, &row, 1, I.scratch[0][0], Nf.ld[0]);
            forward_chunk(&Nf, 1, I.scratch[0], eout, &epred);
        }
        infer_free(&I);
    }
    if (!rc) {
        pred = TASK(&N)->decide(E.A[L], K);
        E.cls = N.task == TASK_CLASSIFY && K > 1 ? (size_t)pred : 0;
        explain_shape(&E);
    }
    if (!rc && (s = OPT(S, val, "class"))) { /* a class's number or name, or a regression's output */
        size_t k = SIZE_MAX;
        char list[400] = "";
        for (size_t i = 0; i < M.nnames && N.task != TASK_REGRESS; i++)
            if (!strcmp(M.names[i], s) || (k == SIZE_MAX && !strcasecmp(M.names[i], s))) k = i;
        for (size_t i = 0; i < K && k == SIZE_MAX; i++) /* a regression's target by its column's name */
            if (N.task == TASK_REGRESS && !strcmp(unit_text(&E, i, b1, sizeof b1), s)) k = i;
        for (size_t i = 0, u = 0; i < M.nnames && u + 80 < sizeof list; i++)
            u += (size_t)snprintf(list + u, sizeof list - u, "%s%s", i ? ", " : ": ", M.names[i]);
        if (k == SIZE_MAX && parse_size(s, K - 1, &k))
            rc = usage_error("explain", "--class '%s': expected %s from 0 to %zu%s%s", s, N.task == TASK_REGRESS ? "an output" : "a class",
                             K - 1, M.nnames && N.task != TASK_REGRESS ? ", or a class's name" : "", list);
        E.cls = k;
    }
    if (!rc && explain_grads(&E)) {
        say("out of memory");
        rc = 1;
    }
    if (!rc) {
        const float *o = E.A[L];
        if (!strcmp(pos[1], "-") && d.lineno && (d.y || d.t) && d.lineno[E.r] != E.r + 1 + (size_t)d.headed)
            say("warning: %s: lines before this row were left out (rows without their %s, or blank lines): from a pipe, "
                "which is read once, the row counts the rows read (line %zu is explained); give the file to count every row",
                d.name, N.task == TASK_REGRESS ? "target" : "label", d.lineno[E.r]);
        if (OPT(S, val, "row")) printf("row %zu of %s", asked + 1, d.name);
        else printf("row %zu (from 0) of %s", asked, d.name);
        if (d.lineno) printf(" (line %zu)", d.lineno[E.r]);
        if (d.y) printf(": label %s", class_text(M.names, M.nnames, (size_t)d.y[E.r], b1, sizeof b1));
        putchar('\n');
        if (E.img[0]) draw_row(&d, E.r, E.img[2], E.img[0], ascii);
        if (eout) {
            printf("the ensemble of %d networks:", Nf.members);
            if (N.task == TASK_REGRESS)
                for (size_t k = 0; k < K; k++) printf(" %s %.6g", unit_text(&E, k, b1, sizeof b1), target_unmap(&M.out, k, eout[k]));
            else
                printf(" %s (output %.4f)%s", class_text(M.names, M.nnames, (size_t)epred, b1, sizeof b1),
                       (double)(K == 1 ? (epred ? eout[0] : 1 - eout[0]) : eout[epred]),
                       d.y ? (d.y[E.r] == epred ? ", right" : ", wrong") : "");
            printf("; below, member %d alone\n", (int)((size_t)(N.param - Nf.param) / Nf.nparam) + 1);
        }
        if (N.task == TASK_REGRESS) {
            printf("prediction:");
            for (size_t k = 0; k < K; k++) printf(" %s %.6g", unit_text(&E, k, b1, sizeof b1), target_unmap(&M.out, k, o[k]));
            if (d.t) printf(" (true: %.6g)", (double)d.t[E.r * d.nt]);
            putchar('\n');
        } else {
            printf("prediction: %s (output %.4f)%s\n", class_text(M.names, M.nnames, (size_t)pred, b1, sizeof b1),
                   (double)(K == 1 ? (pred ? o[0] : 1 - o[0]) : o[pred]), d.y ? (d.y[E.r] == pred ? ", right" : ", wrong") : "");
            printf("outputs (%s):", N.layer[L].act == ACT_SOFTMAX ? "softmax, the probabilities" : act_name(N.layer[L].act));
            for (size_t k = 0; k < K; k++) printf(" %s %.3f", class_text(M.names, M.nnames, k, b1, sizeof b1), (double)o[k]);
            putchar('\n');
        }
        explain_saliency(&E, ascii);
        printf("\nactivations, layer by layer (this row; dead: 0 on all of the first %zu rows of %s)\n", E.probed, d.name);
        for (int l = 1; l <= L; l++) explain_layer(&E, l, ascii);
        explain_terms(&E);
        if (E.G) explain_nudge(&E);
        else if (N.task == TASK_REGRESS) printf("\n(no target: no nudge; give data with the target to see the change this row asks of the weights)\n");
        else printf("\n(no label: no nudge; give data with labels to see the change this row asks of the weights)\n");
        if (prefix) rc = explain_pictures(&E, prefix);
    }
    explain_free(&E), data_free(&d), free(eout), free(Nf.param), model_meta_free(&M);
    return rc ? rc : finish_stdout();
}

/* ======================================================================== */
/* @@page the HTML report: nn train --report, nn report                   */
/* ======================================================================== */

/* One self-contained HTML file: no network, no script library; charts as
 * inline SVG, pictures as PNG data URIs, one small inline script that
 * reports a picture that did not load on the browser's console.  nn train
 * --report FILE rewrites it (atomically) after an epoch when a second has
 * passed since the last time, and at the end; while training it asks the
 * browser to reload it every 5 seconds.  nn report MODEL DATA --out FILE
 * makes the same page from a saved model, without the curves.  Sections:
 * the settings; the learning curves (the metric and the cost per epoch, on
 * axes fixed for the whole run: epochs 1 to the number asked for, 0 to
 * 100%); per layer, the dead ReLUs, the saturated sigmoids and the
 * gradient's norm on the first NN_STATS_ROWS training rows; the confusion
 * matrix, the most confident errors as pictures (a regression: the fitted
 * function or predicted against true); the first layer's weights.  Every
 * curve carries its figures (data-values) and its axes (data-x0, ...) so
 * a test can read the points back. */

#define NN_STATS_ROWS 256 /* rows of the probe the per-layer figures use */

typedef struct {
    double cost, train, val, val_cost, test, test_cost;
    double dead[NN_MAX_LAYERS], sat[NN_MAX_LAYERS], gnorm[NN_MAX_LAYERS];
} PageEpoch;

struct Page {
    const char *path;        /* the page */
    const char *model;       /* the model file it is about */
    const char *train;       /* the training data's name, or NULL (nn report) */
    size_t train_rows;       /* the rows trained on */
    int test;                /* the set evaluated is the test set (else validation) */
    PageEpoch *ep;           /* (nep) the epochs so far */
    size_t nep, cap, epochs; /* epochs asked for */
    size_t first;            /* the first epoch charted (a resumed run's) */
    double written;          /* when it was last written */
    int members, member;     /* an ensemble's networks (0: one), and the one whose layers are shown (from 1) */
};

static Page *page_new(const char *path, const char *model, const char *train, size_t rows, int test)
{
    Page *P = calloc(1, sizeof *P);
    if (P) P->path = path, P->model = model, P->train = train, P->train_rows = rows, P->test = test;
    return P;
}

static void page_free(Page *P)
{
    if (P) free(P->ep);
    free(P);
}

/* Text for HTML, escaped. */
static void html_text(Buf *b, const char *s)
{
    for (; *s; s++) {
        if (*s == '<') buf_put(b, "&lt;", 4);
        else if (*s == '>') buf_put(b, "&gt;", 4);
        else if (*s == '&') buf_put(b, "&amp;", 5);
        else if (*s == '"') buf_put(b, "&quot;", 6);
        else buf_put(b, s, 1);
    }
}

/* The canvas as an <img> of a PNG data URI (RFC 2397), with its alt text. */
static void html_png(Buf *b, const Canvas *c, const char *alt)
{
    static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    Buf png = {NULL, 0, 0, 0};
    if (canvas_png(c, &png)) {
        b->oom = 1;
        return;
    }
    buf_printf(b, "<img width=\"%zu\" height=\"%zu\" alt=\"", c->w, c->h);
    html_text(b, alt);
    buf_printf(b, "\" src=\"data:image/png;base64,");
    for (size_t i = 0; i < png.n; i += 3) {
        uint32_t v = (uint32_t)png.p[i] << 16 | (i + 1 < png.n ? (uint32_t)png.p[i + 1] << 8 : 0) | (i + 2 < png.n ? png.p[i + 2] : 0);
        char q[4] = {b64[v >> 18 & 63], b64[v >> 12 & 63], i + 1 < png.n ? b64[v >> 6 & 63] : '=', i + 2 < png.n ? b64[v & 63] : '='};
        buf_put(b, q, 4);
    }
    buf_printf(b, "\">");
    free(png.p);
}

/* A line chart: ns series of n values each (NAN: no point), x from 1 to
 * xmax, y from lo to hi (log: log10 of the values); percent labels the axis
 * 0-100%.  Each series is a polyline with its values and the chart's axes
 * in data- attributes. */
typedef struct {
    const char *name;   /* the legend's, and data-series */
    const char *colour;
    const double *v;    /* (n) */
} Series;

static void svg_chart(Buf *b, const char *id, const char *title, const Series *s, int ns, size_t n, size_t x1, size_t xmax,
                      double lo, double hi, int percent, int logy)
{
    const double W = 500, H = 270, x0p = 56, x1p = W - 12, y0p = H - 34, y1p = 40;
    double l0 = logy ? log10(lo) : lo, l1 = logy ? log10(hi) : hi;
    if (!(l1 > l0)) l1 = l0 + 1;
    if (xmax <= x1) xmax = x1 + 1;
    buf_printf(b, "<svg id=\"%s\" class=\"chart\" viewBox=\"0 0 %.0f %.0f\" width=\"%.0f\" height=\"%.0f\" role=\"img\" "
               "data-x0=\"%.0f\" data-x1=\"%.0f\" data-y0=\"%.0f\" data-y1=\"%.0f\" data-first=\"%zu\" data-last=\"%zu\" "
               "data-lo=\"%.9g\" data-hi=\"%.9g\" data-log=\"%d\" aria-label=\"", id, W, H, W, H, x0p, x1p, y0p, y1p, x1, xmax,
               l0, l1, logy);
    html_text(b, title);
    buf_printf(b, "\"><rect x=\"0\" y=\"0\" width=\"%.0f\" height=\"%.0f\" fill=\"#fff\"/>", W, H);
    buf_printf(b, "<text x=\"%.0f\" y=\"16\" class=\"t\">", x0p);
    html_text(b, title);
    buf_printf(b, "</text>");
    for (int k = 0; k <= 4; k++) { /* the y grid: 5 lines */
        double f = k / 4.0, y = y0p - f * (y0p - y1p), v = l0 + f * (l1 - l0);
        char lab[32];
        if (percent) snprintf(lab, sizeof lab, "%.0f%%", 100 * v);
        else if (logy) snprintf(lab, sizeof lab, "%.2g", pow(10, v));
        else snprintf(lab, sizeof lab, "%.3g", v);
        buf_printf(b, "<line x1=\"%.0f\" x2=\"%.0f\" y1=\"%.1f\" y2=\"%.1f\" class=\"g\"/><text x=\"%.0f\" y=\"%.1f\" class=\"a\" "
                   "text-anchor=\"end\">%s</text>", x0p, x1p, y, y, x0p - 4, y + 4, lab);
    }
    for (size_t e = x1, step = (xmax - x1) / 8 + 1; e <= xmax; e += step) /* the x axis: epochs */
        buf_printf(b, "<text x=\"%.1f\" y=\"%.0f\" class=\"a\" text-anchor=\"middle\">%zu</text>",
                   x0p + (double)(e - x1) / (double)(xmax - x1) * (x1p - x0p), y0p + 16, e);
    buf_printf(b, "<text x=\"%.0f\" y=\"%.0f\" class=\"a\" text-anchor=\"middle\">epoch</text>", (x0p + x1p) / 2, H - 4);
    for (int k = 0, lx = (int)x0p; k < ns; k++) { /* the series, and their legend across the top */
        int any = 0;
        for (size_t i = 0; i < n; i++) any |= isfinite(s[k].v[i]) && (!logy || s[k].v[i] > 0);
        if (!any) continue;
        buf_printf(b, "<polyline class=\"curve\" data-series=\"%s\" data-values=\"", s[k].name);
        for (size_t i = 0, c = 0; i < n; i++)
            if (isfinite(s[k].v[i])) buf_printf(b, "%s%zu:%.6f", c++ ? " " : "", x1 + i, s[k].v[i]);
        buf_printf(b, "\" fill=\"none\" stroke=\"%s\" stroke-width=\"2\" points=\"", s[k].colour);
        for (size_t i = 0, c = 0; i < n; i++) {
            double v = s[k].v[i];
            if (!isfinite(v) || (logy && v <= 0)) continue;
            v = logy ? log10(v) : v;
            v = v < l0 ? l0 : v > l1 ? l1 : v;
            buf_printf(b, "%s%.2f,%.2f", c++ ? " " : "", x0p + (double)i / (double)(xmax - x1) * (x1p - x0p),
                       y0p - (v - l0) / (l1 - l0) * (y0p - y1p));
        }
        buf_printf(b, "\"/>");
        if (n <= 60)
            for (size_t i = 0; i < n; i++) {
                double v = s[k].v[i];
                if (!isfinite(v) || (logy && v <= 0)) continue;
                v = logy ? log10(v) : v;
                v = v < l0 ? l0 : v > l1 ? l1 : v;
                buf_printf(b, "<circle cx=\"%.2f\" cy=\"%.2f\" r=\"2.5\" fill=\"%s\"/>",
                           x0p + (double)i / (double)(xmax - x1) * (x1p - x0p), y0p - (v - l0) / (l1 - l0) * (y0p - y1p), s[k].colour);
            }
        buf_printf(b, "<rect x=\"%d\" y=\"24\" width=\"14\" height=\"4\" fill=\"%s\"/><text x=\"%d\" y=\"30\" class=\"a\">%s</text>",
                   lx, s[k].colour, lx + 18, s[k].name);
        lx += 26 + 7 * (int)strlen(s[k].name);
    }
    buf_printf(b, "</svg>\n");
}

static const char *const series_colours[] = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#17becf", "#7f7f7f"};

/* The per-epoch curves: the metric, the cost, and the layers' figures. */
static void page_curves(Buf *b, const Page *P, const Net *N)
{
    size_t n = P->nep, xmax = P->first + (P->epochs > P->first ? P->epochs - P->first : 0);
    double *v = calloc(6 * (n ? n : 1), sizeof *v), hi = 0, lo = HUGE_VAL;
    Series s[NN_MAX_LAYERS];
    char title[96], nm[NN_MAX_LAYERS][48];
    int pc = TASK(N)->percent;
    if (!v) {
        b->oom = 1;
        return;
    }
    for (size_t i = 0; i < n; i++) {
        const PageEpoch *e = &P->ep[i];
        v[i] = e->train, v[n + i] = e->val, v[2 * n + i] = e->test;
        v[3 * n + i] = e->cost, v[4 * n + i] = e->val_cost, v[5 * n + i] = e->test_cost;
    }
    s[0] = (Series){"training (first rows)", series_colours[0], v};
    s[1] = (Series){"validation", series_colours[2], v + n};
    s[2] = (Series){"test", series_colours[1], v + 2 * n};
    snprintf(title, sizeof title, "%s per epoch", TASK(N)->label);
    lo = pc ? 0 : HUGE_VAL, hi = pc ? 1 : -HUGE_VAL;
    if (!pc) /* R^2: its range, and 1 */
        for (size_t i = 0; i < 3 * n; i++)
            if (isfinite(v[i])) lo = v[i] < lo ? v[i] : lo, hi = 1;
    if (!(lo < hi)) lo = 0, hi = 1;
    buf_printf(b, "<div class=\"row\">");
    svg_chart(b, "metric", title, s, 3, n, P->first, xmax, lo < 0 && !pc ? lo : 0, hi, pc, 0);
    s[0] = (Series){"training", series_colours[0], v + 3 * n};
    s[1] = (Series){"validation", series_colours[2], v + 4 * n};
    s[2] = (Series){"test", series_colours[1], v + 5 * n};
    hi = 0;
    for (size_t i = 3 * n; i < 6 * n; i++)
        if (isfinite(v[i]) && v[i] > hi) hi = v[i];
    svg_chart(b, "cost", "mean cost per epoch", s, 3, n, P->first, xmax, 0, hi > 0 ? hi * 1.05 : 1, 0, 0);
    buf_printf(b, "</div>\n");
    free(v);
    /* the layers */
    {
        double *d = calloc(3 * (size_t)N->nl * (n ? n : 1), sizeof *d), glo = HUGE_VAL, ghi = 0;
        int k = 0, any[3] = {0, 0, 0};
        if (!d) {
            b->oom = 1;
            return;
        }
        for (int l = 1; l < N->nl; l++)
            for (size_t i = 0; i < n; i++) {
                double *q = d + (size_t)(l - 1) * 3 * n;
                q[i] = P->ep[i].dead[l], q[n + i] = P->ep[i].sat[l], q[2 * n + i] = P->ep[i].gnorm[l];
                any[0] |= isfinite(q[i]), any[1] |= isfinite(q[n + i]), any[2] |= isfinite(q[2 * n + i]);
                if (isfinite(q[2 * n + i]) && q[2 * n + i] > 0) glo = q[2 * n + i] < glo ? q[2 * n + i] : glo, ghi = q[2 * n + i] > ghi ? q[2 * n + i] : ghi;
            }
        buf_printf(b, "<div class=\"row\">");
        for (int what = 0; what < 3; what++) {
            static const char *const titles[3] = {"dead ReLUs: units 0 on every row", "saturated: values within 0.02 of an end",
                                                  "speed of learning: |dC/db| per layer (log scale)"};
            static const char *const ids[3] = {"dead", "saturated", "gradient"};
            if (!any[what]) continue;
            k = 0;
            for (int l = 1; l < N->nl && k < NN_MAX_LAYERS; l++) {
                snprintf(nm[k], sizeof nm[k], "layer %d", l);
                s[k] = (Series){nm[k], series_colours[(l - 1) % 8], d + (size_t)(l - 1) * 3 * n + (size_t)what * n};
                k++;
            }
            if (what < 2) svg_chart(b, ids[what], titles[what], s, k, n, P->first, xmax, 0, 1, 1, 0);
            else svg_chart(b, ids[what], titles[what], s, k, n, P->first, xmax, glo < ghi ? glo / 2 : glo / 10, ghi * 2, 0, 1);
        }
        buf_printf(b, "</div>\n");
        free(d);
    }
}

/* The confusion matrix of labels y against pred (n rows, K classes) as a
 * table, each cell shaded by its share of the true class's rows. */
static void page_confusion(Buf *b, const Meta *M, const Data *d, const int32_t *pred, size_t K)
{
    size_t *c = calloc(K * K, sizeof *c), *row = calloc(K, sizeof *row);
    char n1[64];
    if (!c || !row) {
        free(c), free(row);
        b->oom = 1;
        return;
    }
    for (size_t i = 0; i < d->n; i++)
        if ((size_t)d->y[i] < K && (size_t)pred[i] < K) c[(size_t)d->y[i] * K + (size_t)pred[i]]++, row[d->y[i]]++;
    buf_printf(b, "<table class=\"cm\" id=\"confusion\"><tr><th>true \\ predicted</th>");
    for (size_t k = 0; k < K; k++) {
        buf_printf(b, "<th>");
        html_text(b, class_text(M->names, M->nnames, k, n1, sizeof n1));
        buf_printf(b, "</th>");
    }
    buf_printf(b, "</tr>");
    for (size_t t = 0; t < K; t++) {
        buf_printf(b, "<tr><th>");
        html_text(b, class_text(M->names, M->nnames, t, n1, sizeof n1));
        buf_printf(b, "</th>");
        for (size_t p = 0; p < K; p++) {
            double f = row[t] ? (double)c[t * K + p] / (double)row[t] : 0;
            buf_printf(b, "<td style=\"background:rgb(%d,%d,%d);color:%s\">%zu</td>", (int)(255 - f * (255 - 33)),
                       (int)(255 - f * (255 - 102)), (int)(255 - f * (255 - 172)), f > 0.5 ? "#fff" : "#000", c[t * K + p]);
        }
        buf_printf(b, "</tr>");
    }
    buf_printf(b, "</table>\n");
    free(c), free(row);
}

/* The 12 most confident errors: pictures when the rows are images, else a
 * table of their rows. */
static void page_errors(Buf *b, const Net *N, const Meta *M, const Data *d, const float *out, const int32_t *pred)
{
    size_t K = N->size[N->nl - 1], top[12], nt = 0, C = 0, H = 0, Wd = 0;
    double conf[12];
    char n1[64], n2[64], alt[200];
    if (net_images(N)) C = N->shape[0][0], H = N->shape[0][1], Wd = N->shape[0][2];
    else if (d->shape[0] && d->shape[0] * d->shape[1] * d->shape[2] == d->d) C = d->shape[0], H = d->shape[1], Wd = d->shape[2];
    else if (!d->is_table && d->d >= 16 && (size_t)floor(sqrt((double)d->d) + 0.5) * (size_t)floor(sqrt((double)d->d) + 0.5) == d->d)
        C = 1, H = Wd = (size_t)floor(sqrt((double)d->d) + 0.5);
    for (size_t i = 0; i < d->n; i++) {
        double p;
        size_t at;
        if (pred[i] == d->y[i]) continue;
        p = K == 1 ? (pred[i] ? out[i] : 1 - out[i]) : out[i * K + (size_t)pred[i]];
        for (at = nt; at > 0 && conf[at - 1] < p; at--)
            if (at < 12) conf[at] = conf[at - 1], top[at] = top[at - 1];
        if (at < 12) conf[at] = p, top[at] = i, nt += nt < 12;
    }
    if (!nt) {
        buf_printf(b, "<p>No errors.</p>\n");
        return;
    }
    buf_printf(b, "<div class=\"errors\" id=\"errors\">");
    for (size_t e = 0; e < nt; e++) {
        size_t r = top[e];
        const char *t1 = class_text(M->names, M->nnames, (size_t)d->y[r], n1, sizeof n1);
        const char *t2 = class_text(M->names, M->nnames, (size_t)pred[r], n2, sizeof n2);
        buf_printf(b, "<figure>");
        if (C) {
            Canvas c;
            size_t z = Wd >= 84 ? 1 : (84 + Wd - 1) / Wd;
            snprintf(alt, sizeof alt, "row %zu: true %s, predicted %s", d->rowno ? d->rowno[r] : r, t1, t2);
            if (!canvas_new(&c, Wd * z, H * z, 0)) {
                canvas_image(&c, 0, 0, d, r, Wd, H, C, z);
                html_png(b, &c, alt);
                free(c.p);
            }
        }
        if (d->lineno) buf_printf(b, "<figcaption>line %zu", d->lineno[r]);
        else buf_printf(b, "<figcaption>row %zu", d->rowno ? d->rowno[r] : r);
        buf_printf(b, "<br>true <b>");
        html_text(b, t1);
        buf_printf(b, "</b><br>predicted <b>");
        html_text(b, t2);
        buf_printf(b, "</b> (%.3f)</figcaption></figure>", conf[e]);
    }
    buf_printf(b, "</div>\n");
}

/* A regression's fit on d: with one input, the target (dots) and the
 * prediction (a line) against that input; else predicted against true. */
static void page_fit(Buf *b, const Net *N, const Meta *M, const Data *d, const float *out)
{
    const double W = 520, H = 320, x0 = 56, x1 = W - 12, y0 = H - 34, y1 = 30;
    size_t n = d->n, step = n / 1500 + 1, K = N->size[N->nl - 1];
    int one = d->d == 1;
    double xl = HUGE_VAL, xh = -HUGE_VAL, yl = HUGE_VAL, yh = -HUGE_VAL;
    size_t *ord = one ? calloc(n, sizeof *ord) : NULL;
    for (size_t i = 0; i < n; i++) {
        double x = one ? (d->x8 ? d->x8[i] : d->xf[i]) : d->t[i * d->nt], y = d->t[i * d->nt], p = target_unmap(&M->out, 0, out[i * K]);
        xl = x < xl ? x : xl, xh = x > xh ? x : xh;
        yl = y < yl ? y : yl, yh = y > yh ? y : yh, yl = p < yl ? p : yl, yh = p > yh ? p : yh;
    }
    if (!one) xl = yl = xl < yl ? xl : yl, xh = yh = xh > yh ? xh : yh;
    if (!(xh > xl)) xh = xl + 1;
    if (!(yh > yl)) yh = yl + 1;
#define PX(x) (x0 + ((x) - xl) / (xh - xl) * (x1 - x0))
#define PY(y) (y0 - ((y) - yl) / (yh - yl) * (y0 - y1))
    buf_printf(b, "<svg id=\"fit\" class=\"chart\" viewBox=\"0 0 %.0f %.0f\" width=\"%.0f\" height=\"%.0f\" role=\"img\" "
               "aria-label=\"%s\"><rect width=\"%.0f\" height=\"%.0f\" fill=\"#fff\"/>", W, H, W, H,
               one ? "the fitted function" : "predicted against true", W, H);
    buf_printf(b, "<text x=\"%.0f\" y=\"16\" class=\"t\">%s</text>", x0, one ? "the fitted function" : "predicted against true");
    for (int k = 0; k <= 4; k++) {
        double fy = yl + k / 4.0 * (yh - yl), fx = xl + k / 4.0 * (xh - xl);
        buf_printf(b, "<line x1=\"%.0f\" x2=\"%.0f\" y1=\"%.1f\" y2=\"%.1f\" class=\"g\"/><text x=\"%.0f\" y=\"%.1f\" class=\"a\" "
                   "text-anchor=\"end\">%.4g</text><text x=\"%.1f\" y=\"%.0f\" class=\"a\" text-anchor=\"middle\">%.4g</text>",
                   x0, x1, PY(fy), PY(fy), x0 - 4, PY(fy) + 4, fy, PX(fx), y0 + 16, fx);
    }
    if (!one) buf_printf(b, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#999\"/>", PX(xl), PY(yl), PX(xh), PY(yh));
    for (size_t i = 0; i < n; i += step) {
        double x = one ? (d->x8 ? d->x8[i] : d->xf[i]) : d->t[i * d->nt], y = one ? d->t[i * d->nt] : target_unmap(&M->out, 0, out[i * K]);
        buf_printf(b, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"2\" fill=\"#1f77b4\" fill-opacity=\"0.6\"/>", PX(x), PY(y));
    }
    if (one && ord) { /* the prediction in the order of x */
        for (size_t i = 0; i < n; i++) ord[i] = i;
        for (size_t i = 1; i < n; i++) /* insertion sort: n is a table's rows */
            for (size_t j = i; j > 0 && (d->x8 ? d->x8[ord[j]] : d->xf[ord[j]]) < (d->x8 ? d->x8[ord[j - 1]] : d->xf[ord[j - 1]]); j--) {
                size_t t = ord[j];
                ord[j] = ord[j - 1], ord[j - 1] = t;
            }
        buf_printf(b, "<polyline fill=\"none\" stroke=\"#d62728\" stroke-width=\"2\" points=\"");
        for (size_t i = 0; i < n; i += step)
            buf_printf(b, "%s%.1f,%.1f", i ? " " : "", PX(d->x8 ? d->x8[ord[i]] : d->xf[ord[i]]), PY(target_unmap(&M->out, 0, out[ord[i] * K])));
        buf_printf(b, "\"/>");
    }
#undef PX
#undef PY
    buf_printf(b, "</svg>\n");
    free(ord);
}

/* The whole page into b: the curves when P has epochs; the set d (with
 * its outputs and labels: the test set, else the validation set, or nn
 * report's data) for the confusion matrix, the errors or the fit. */
static void page_html(Buf *b, const Page *P, const Net *N, const Meta *M, const Data *d, const float *out,
                      const int32_t *pred, int last, const double *dead, const double *sat, const double *gnorm)
{
    char spec[1024], n1[64];
    int first = 1;
    net_spec(N, spec, sizeof spec);
    buf_printf(b, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">%s<title>nn: ",
               last ? "" : "<meta http-equiv=\"refresh\" content=\"5\">");
    html_text(b, P->model);
    buf_printf(b, "</title>\n<style>body{font:14px system-ui,sans-serif;margin:24px;color:#222;max-width:1200px}"
                  "h1{font-size:20px}h2{font-size:16px;margin-top:28px}table{border-collapse:collapse}"
                  "td,th{border:1px solid #ccc;padding:3px 7px;text-align:right}th{background:#f4f4f4}"
                  ".settings td,.settings th{text-align:left}.row{display:flex;flex-wrap:wrap;gap:12px}"
                  ".chart{border:1px solid #ddd}.chart .g{stroke:#eee}.chart .a{font-size:11px;fill:#555}"
                  ".chart .t{font-size:13px;font-weight:600;fill:#222}.errors{display:flex;flex-wrap:wrap;gap:10px}"
                  "figure{margin:0;text-align:center;font-size:12px}img{image-rendering:pixelated;border:1px solid #ccc}"
                  ".note{color:#666}.headline{font-size:18px;font-weight:600}</style></head><body>\n<h1>nn: ");
    html_text(b, P->model);
    buf_printf(b, "</h1>\n<p class=\"note\">%s</p>\n", P->nep ? (last ? "Training finished." : "Training: this page reloads itself every 5 seconds.")
                                                            : "Made by nn report from a saved model: no training curves.");
    if (d && out && (d->y || d->t)) { /* the figure, first */
        Score sc;
        char fig[96];
        TASK(N)->score(N, d, out, pred, &sc);
        TASK(N)->show(&sc, d->n, 1, fig, sizeof fig);
        buf_printf(b, "<p class=\"headline\" id=\"figure\">%s%s%s on %s</p>\n", TASK(N)->percent ? TASK(N)->label : "",
                   TASK(N)->percent ? " " : "", fig,
                   !P->nep ? "the data" : P->test ? "the test set" : "the validation set");
        if (P->nep && last) buf_printf(b, "<p class=\"note\">The model saved is that of epoch %u of %u.</p>\n", M->kept_epoch, M->epochs_done);
    }
    /* the settings */
    buf_printf(b, "<h2>Settings</h2><table class=\"settings\"><tr><th>layers</th><td>%s</td></tr><tr><th>task</th><td>%s, %s cost</td></tr>",
               spec, TASK(N)->name, cost_name(N->cost));
    if (P->members > 1)
        buf_printf(b, "<tr><th>ensemble</th><td id=\"ensemble\">%d networks, their outputs averaged: the figures, confusion matrix and errors "
                      "are the ensemble's; the layers and weights are member %d's</td></tr>", P->members, P->member);
    if (P->train) {
        buf_printf(b, "<tr><th>training data</th><td>");
        html_text(b, P->train);
        if (!strstr(P->train, " rows)")) buf_printf(b, " (%zu rows)", P->train_rows);
        buf_printf(b, "</td></tr>");
    }
    if (d) {
        buf_printf(b, "<tr><th>%s</th><td>", P->nep ? "evaluated on" : "data");
        html_text(b, d->name);
        if (!strstr(d->name, " rows)")) buf_printf(b, " (%zu rows)", d->n);
        buf_printf(b, "</td></tr>");
    }
    buf_printf(b, "<tr><th>optimizer</th><td>%s, eta %g, batch %u, %u epoch%s asked, %u done, epoch %u kept</td></tr>",
               opt_names[M->optimizer > 0 && M->optimizer < OPT_COUNT ? M->optimizer : 0], (double)M->eta, M->batch, M->epochs,
               M->epochs == 1 ? "" : "s", M->epochs_done, M->kept_epoch);
    buf_printf(b, "<tr><th>init, seed</th><td>%s, %llu</td></tr><tr><th>regularisation</th><td>lambda %g, dropout %g</td></tr>",
               M->init > 0 && M->init < INIT_COUNT ? init_names[M->init] : "per layer (he for relu and leaky, else scaled)",
               (unsigned long long)M->seed, (double)M->lambda, (double)M->dropout);
    if (M->nnames) {
        buf_printf(b, "<tr><th>classes</th><td>");
        for (size_t k = 0; k < M->nnames; k++) {
            buf_printf(b, "%s", k ? ", " : "");
            html_text(b, M->names[k]);
        }
        buf_printf(b, "</td></tr>");
    }
    buf_printf(b, "</table>\n");
    if (P->nep) {
        buf_printf(b, "<h2>Learning curves</h2><p class=\"note\">The training %s is measured on the first %zu training rows "
                      "after each epoch; the training cost is the mean over the epoch's mini-batches, as --log's train_cost; the "
                      "layers' figures are on the first %zu training rows.  The axes are fixed for the whole run, so "
                      "overfitting shows as training rising while test or validation falls.</p>\n",
                   TASK(N)->label, (size_t)NN_PROBE, (size_t)NN_STATS_ROWS);
        page_curves(b, P, N);
    } else if (dead) { /* one column of figures: a table */
        buf_printf(b, "<h2>Layers</h2><table id=\"layers\"><tr><th>layer</th><th>dead ReLUs</th><th>saturated</th><th>speed of learning |dC/db|</th></tr>");
        for (int l = 1; l < N->nl; l++) {
            buf_printf(b, "<tr><td>%d</td>", l);
            if (isfinite(dead[l])) buf_printf(b, "<td>%.1f%%</td>", 100 * dead[l]);
            else buf_printf(b, "<td></td>");
            if (isfinite(sat[l])) buf_printf(b, "<td>%.1f%%</td>", 100 * sat[l]);
            else buf_printf(b, "<td></td>");
            if (isfinite(gnorm[l])) buf_printf(b, "<td>%.4g</td>", gnorm[l]);
            else buf_printf(b, "<td></td>");
            buf_printf(b, "</tr>");
        }
        buf_printf(b, "</table>\n<p class=\"note\">On the first %zu rows of the data.</p>\n", (size_t)NN_STATS_ROWS);
    }
    if (d && out && N->task == TASK_CLASSIFY && d->y) {
        buf_printf(b, "<h2>Confusion matrix</h2><p class=\"note\">On ");
        html_text(b, d->name);
        buf_printf(b, ": rows are the true classes, columns the predicted ones.</p>\n");
        page_confusion(b, M, d, pred, net_classes(N));
        buf_printf(b, "<h2>The most confident errors</h2>\n");
        page_errors(b, N, M, d, out, pred);
    } else if (d && out && N->task == TASK_REGRESS && d->t) {
        buf_printf(b, "<h2>The fit</h2><p class=\"note\">On ");
        html_text(b, d->name);
        buf_printf(b, ": %s</p>\n", d->d == 1 ? "the target (dots) and the prediction (line) "
                   "against the one input." : "the prediction (up) against the true value (across); on the diagonal they agree.");
        page_fit(b, N, M, d, out);
    } else if (d && !d->y && !d->t) {
        buf_printf(b, "<p class=\"note\">The data has no labels: no confusion matrix, no errors, no speed of learning.</p>\n");
    }
    while (first < N->nl - 1 && !(LK(N, first)->flags & KIND_DRAW)) first++;
    /* the first layer's weights as pictures: not for one-hot inputs */
    if ((LK(N, first)->flags & KIND_DRAW) && table_flat(&M->tab) && N->size[0] >= 16) {
        WeightsLayout g = weights_layout(N, first, first, 0);
        Canvas c = {0, 0, NULL};
        float scale;
        if (!draw_weights(N, first, NET_W(N, first), &g, weights_zoom(&g), &c, &scale)) {
            snprintf(n1, sizeof n1, "layer %d's weights", first);
            buf_printf(b, "<h2>The first layer's weights</h2><p class=\"note\">Layer %d: blue negative, white 0, red positive, "
                          "from -%.3g to +%.3g.</p>\n", first, (double)scale, (double)scale);
            html_png(b, &c, n1);
            free(c.p);
        }
    }
    buf_printf(b, "\n<script>window.addEventListener('load', function () {\n"
                  "  var bad = 0;\n"
                  "  for (var i = 0; i < document.images.length; i++) {\n"
                  "    var im = document.images[i];\n"
                  "    if (!im.complete || !im.naturalWidth) { console.error('nn: picture \"' + im.alt + '\" did not load'); bad++; }\n"
                  "  }\n"
                  "  document.body.setAttribute('data-pictures', bad ? 'broken' : 'ok');\n"
                  "});</script>\n</body></html>\n");
}

/* nn train --report: after each epoch, the figures; the page written when
 * a second has passed, and at the end. */
static int page_watch(void *ctx, const Net *N, const Meta *M, const EpochFig *f, Err *err)
{
    Page *P = ctx;
    Buf b = {NULL, 0, 0, 0};
    int rc;
    if (!f->last) {
        PageEpoch *e;
        size_t m = f->probe->n < NN_STATS_ROWS ? f->probe->n : NN_STATS_ROWS;
        if (!P->nep) P->first = f->epoch;
        if (P->nep == P->cap) {
            size_t cap = P->cap ? 2 * P->cap : 64;
            PageEpoch *q = realloc(P->ep, cap * sizeof *q);
            if (!q) return fail(err, P->path, "out of memory");
            P->ep = q, P->cap = cap;
        }
        e = &P->ep[P->nep++];
        e->cost = f->cost, e->train = f->train, e->val = f->val, e->val_cost = f->val_cost, e->test = f->test, e->test_cost = f->test_cost;
        if (layer_stats(N, &M->in, f->probe, m, e->dead, e->sat, e->gnorm)) return fail(err, P->path, "out of memory");
        P->epochs = f->epochs;
        if (now_seconds() - P->written < 1.0 && f->epoch < f->epochs) return 0;
    }
    page_html(&b, P, N, M, f->eval, f->eval ? f->out : NULL, f->pred, f->last, NULL, NULL, NULL);
    rc = b.oom ? fail(err, P->path, "out of memory") : write_output(P->path, b.p, b.n, err);
    free(b.p);
    P->written = now_seconds();
    return rc;
}

static int cmd_report(int argc, char **argv)
{
    const OptSpec *S = report_opts;
    const char *val[NN_MAX_OPTS] = {0}, *pos[2], *path;
    int npos, rc, nt;
    CsvOpt co;
    Net Nf, N;
    Meta M;
    Data d;
    Page P;
    Pool *pl;
    Infer I;
    Err err = {{0}, {0}};
    Buf b = {NULL, 0, 0, 0};
    float *out;
    int32_t *pred;
    double dead[NN_MAX_LAYERS], sat[NN_MAX_LAYERS], gn[NN_MAX_LAYERS];
    if ((rc = parse_opts("report", argc, argv, S, val, (int)(sizeof val / sizeof *val), pos, 2, &npos))) return rc;
    if (OPT(S, val, "help")) {
        print_cmd_help(stdout, find_command("report"));
        return finish_stdout();
    }
    if (npos != 2 || !(path = OPT(S, val, "out"))) return usage_error("report", "expected MODEL DATA --out FILE.html");
    if (!has_suffix(path, ".html") && !has_suffix(path, ".htm")) return usage_error("report", "--out '%s': give a file name ending in .html", path);
    {
        const char *ins[3] = {pos[0], pos[1], OPT(S, val, "labels")};
        static const char *const what[3] = {"MODEL", "DATA", "--labels"};
        if ((rc = distinct_streams("report", ins, what, 3))) return rc;
        if ((rc = output_is_input("report", path, pos[0])) || (rc = output_is_input("report", path, pos[1]))) return rc;
    }
    if (csv_options("report", OPT(S, val, "label-col"), OPT(S, val, "header"), OPT(S, val, "sep"), OPT(S, val, "decimal"), LABEL_AUTO, &co)) return 2;
    if (threads_option("report", OPT(S, val, "threads"), &nt)) return 2;
    if (check_output(path, &err)) {
        report(&err);
        return 1;
    }
    if (load_model_and_data(pos[0], pos[1], OPT(S, val, "labels"), &co, 2, &Nf, &M, &d)) return 1;
    if ((rc = member_view("report", pos[0], &Nf, OPT(S, val, "member"), "its figures are the ensemble's, the layers and weights", &N))) {
        data_free(&d), free(Nf.param), model_meta_free(&M);
        return rc;
    }
    memset(&P, 0, sizeof P);
    P.path = path, P.model = pos[0]; /* (no epochs: nn report's page) */
    P.members = Nf.members, P.member = (int)((size_t)(N.param - Nf.param) / Nf.nparam) + 1;
    out = alloc_floats(d.n * N.size[N.nl - 1] + 1), pred = alloc_array(d.n + 1, sizeof(int32_t));
    pl = pool_new(nt);
    rc = !out || !pred || !pl || infer_init(&I, &Nf, &M.in, pl->nt, &err) ? fail(&err, path, "out of memory") : 0;
    if (!rc) {
        infer_all(pl, &I, &d, out, pred);
        infer_free(&I);
        if (layer_stats(&N, &M.in, &d, d.n < NN_STATS_ROWS ? d.n : NN_STATS_ROWS, dead, sat, gn)) rc = fail(&err, path, "out of memory");
    }
    if (!rc) {
        page_html(&b, &P, &N, &M, &d, out, pred, 1, dead, sat, gn);
        rc = b.oom ? fail(&err, path, "out of memory") : write_output(path, b.p, b.n, &err);
    }
    if (rc) report(&err);
    else say("%s: the report of %s on %s (%zu rows), %zu bytes", path, pos[0], d.name, d.n, b.n);
    free(b.p), free(out), free(pred), pool_free(pl), data_free(&d), free(Nf.param), model_meta_free(&M);
    return rc ? 1 : 0;
}

/* ======================================================================== */
/* @@serve nn serve: the HTTP prediction server                            */
/* ======================================================================== */

/* One thread runs an event loop over non-blocking sockets with poll(): it
 * accepts, reads each request whole (http_parse frames it), and hands a
 * complete one to a fixed pool of worker threads; a worker answers it into
 * memory and the loop writes the answer.  A client that sends slowly, or
 * reads its answer slowly, costs the loop a descriptor and a buffer, never
 * a worker, and each connection has a deadline: a request must arrive
 * whole within --timeout of its first byte (else 408), an answer must be
 * taken within --timeout, an idle keep-alive connection is closed after
 * --idle.  A connection's requests are answered one at a time, in order
 * (pipelining).  The models are a reference-counted set: a worker holds
 * the set current when it starts a request, SIGHUP loads a new set from the
 * files and swaps it in (a failed load keeps the old one), and the old set
 * is freed when its last request ends.  SIGTERM or SIGINT closes the
 * listening socket, answers what has arrived, and exits 0. */
#define NN_MAX_SERVED 64 /* models one server holds */
#define NN_SERVE_READ 65536 /* bytes read at a time */
#define NN_NAME_MAX 64      /* a model's name, its NUL included */
#define NN_SERVE_BATCH 256  /* --batch's most: requests answered together */
#define NN_SERVE_BATCH_ROWS 64 /* instances in a request that is answered with others */
#define NN_SERVE_BATCH_BYTES (256 << 10) /* and its body's bytes at most (a worker takes it unread) */

typedef struct {
    char *name, *path;
    Net N;
    Meta M;
    CsvOpt co;  /* how predict reads this model's rows */
    char *info; /* nn info --json's object, its '{' and newline left out */
    size_t ninfo;
    Infer *inf; /* (workers) each worker's prediction buffers */
    int named;  /* the model knows its columns' names: object instances are read */
} Served;

/* What predict would have said of a request's rows: its notes, and the
 * lines of its scale check (say() put there), for the "warnings" member. */
typedef struct {
    RowNote rn;
    char said[1024];
} ServeNote;

/* A request's instances read into predict's rows (instances_parse). */
typedef struct {
    Buf csv;    /* CSV lines, or (floats) rows of numbers */
    size_t rows;
    int objects, floats, rc;
    char why[256];
} Parsed;

typedef struct {
    atomic_int ref; /* the server's reference and each request's */
    int n, nw;
    Served *m;      /* (n) */
} ModelSet;

enum { CONN_READ, CONN_WORK, CONN_WRITE, CONN_LINGER };
typedef struct Conn {
    int fd, state, close_after, cont_sent;
    uint8_t *in; /* (cap) the bytes read and not yet answered */
    size_t nin, cap;
    HttpReq req;
    char *out;   /* the answer being written: out[off..nout) still to go */
    size_t nout, off, bytes, hlen; /* (bytes: its body's, after hlen bytes of status line and fields) */
    int status;
    char logl[400]; /* the access-log line's start (client, method, path), said when the answer is written or given up */
    double t0, deadline; /* t0: the request whole, for the access log */
    char peer[80];
    struct Conn *next; /* in the work or done queue */
} Conn;

typedef struct {
    size_t max_body, max_head, max_rows, max_conns;
    double timeout, idle;
    int quiet, nw;
    const char *keep;
    int nmodels;
    const char *names[NN_MAX_SERVED], *paths[NN_MAX_SERVED];
    pthread_mutex_t setmu;
    ModelSet *set;
    pthread_mutex_t mu; /* the queues */
    pthread_cond_t cv;
    Conn *qhead, *qtail, *done;
    size_t qlen;   /* requests in the work queue */
    int batch;     /* --batch */
    int quit, draining; /* draining: SIGTERM or SIGINT came; each answer closes its connection */
    int wake[2]; /* a worker's byte on wake[1] tells the loop an answer is ready */
} Server;

typedef struct {
    Server *s;
    int id;
    Pool *pl;
    pthread_t th;
} Worker;

static volatile sig_atomic_t serve_hup, serve_stop;
static void serve_signal(int sig)
{
    if (sig == SIGHUP) serve_hup = 1;
    else serve_stop = 1;
}

static void set_free(ModelSet *ms)
{
    if (!ms) return;
    for (int i = 0; i < ms->n; i++) {
        Served *m = &ms->m[i];
        for (int w = 0; m->inf && w < ms->nw; w++) infer_free(&m->inf[w]);
        free(m->inf), free(m->info), free(m->N.param), model_meta_free(&m->M);
    }
    free(ms->m), free(ms);
}

/* Load the server's model files into a new set (reference count 1). */
static ModelSet *set_load(const Server *s, Err *err)
{
    ModelSet *ms = calloc(1, sizeof *ms);
    if (!ms || !(ms->m = calloc((size_t)s->nmodels, sizeof *ms->m))) {
        free(ms);
        fail(err, NULL, "out of memory");
        return NULL;
    }
    atomic_init(&ms->ref, 1);
    ms->nw = s->nw;
    for (int i = 0; i < s->nmodels; i++) {
        Served *m = &ms->m[i];
        FILE *f;
        char *text = NULL;
        size_t len = 0;
        m->name = (char *)s->names[i], m->path = (char *)s->paths[i];
        if (model_load(m->path, &m->N, &m->M, err)) {
            set_free(ms);
            return NULL;
        }
        ms->n++;
        csv_options("serve", NULL, NULL, ",", ".", LABEL_NONE, &m->co); /* (valid: no usage error) */
        if (m->M.tab.ncol) m->co.tab = &m->M.tab, m->co.in = &m->M.in; /* as predict reads rows */
        else m->co.no_colnames = 1;
        m->co.flat = !net_images(&m->N), m->co.quiet = 1;
        m->co.class_names = m->M.numbered ? NULL : m->M.names;
        m->co.nclasses = m->N.task == TASK_REGRESS ? 0 : m->M.nnames ? m->M.nnames : net_classes(&m->N);
        for (uint32_t c = 0; c < m->M.tab.ncol; c++) m->named |= m->M.tab.col[c].name && *m->M.tab.col[c].name;
        if (!(f = open_memstream(&text, &len))) {
            set_free(ms);
            fail(err, m->path, "out of memory");
            return NULL;
        }
        info_json(f, m->path, &m->N, &m->M);
        if (fclose(f) || len < 2) {
            free(text), set_free(ms);
            fail(err, m->path, "out of memory");
            return NULL;
        }
        m->info = text, m->ninfo = len - 2; /* (without '{' and '\n') */
        memmove(text, text + 1, m->ninfo);
        if (!(m->inf = calloc((size_t)s->nw, sizeof *m->inf))) {
            set_free(ms);
            fail(err, m->path, "out of memory");
            return NULL;
        }
        for (int w = 0; w < s->nw; w++)
            if (infer_init(&m->inf[w], &m->N, &m->M.in, 1, err)) {
                set_free(ms);
                return NULL;
            }
    }
    return ms;
}

static ModelSet *set_get(Server *s)
{
    ModelSet *ms;
    pthread_mutex_lock(&s->setmu);
    ms = s->set;
    atomic_fetch_add(&ms->ref, 1);
    pthread_mutex_unlock(&s->setmu);
    return ms;
}

static void set_put(ModelSet *ms)
{
    if (atomic_fetch_sub(&ms->ref, 1) == 1) set_free(ms);
}

static const char *http_reason(int status)
{
    switch (status) {
    case 200: return "OK";
    case 400: return "Bad Request";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 411: return "Length Required";
    case 413: return "Content Too Large";
    case 417: return "Expectation Failed";
    case 431: return "Request Header Fields Too Large";
    case 503: return "Service Unavailable";
    case 505: return "HTTP Version Not Supported";
    default: return "Internal Server Error";
    }
}

/* The answer to c's request: status, a JSON body (n bytes; left out for
 * HEAD), and an Allow field for 405. */
static void conn_answer(Conn *c, int status, const char *body, size_t n, const char *allow)
{
    Buf b = {NULL, 0, 0, 0};
    int head = c->req.method == HTTP_HEAD && status == 200;
    if (!c->req.keep || (status >= 400 && status != 404 && status != 405 && c->state != CONN_WORK))
        c->close_after = 1; /* (an error found before the request was whole: the framing may be lost; a worker's errors keep it) */
    buf_printf(&b, "HTTP/1.1 %d %s\r\nContent-Type: application/json\r\nContent-Length: %zu\r\n%s%s%s%s\r\n", status,
               http_reason(status), n, allow ? "Allow: " : "", allow ? allow : "", allow ? "\r\n" : "",
               c->close_after ? "Connection: close\r\n" : c->req.minor == 0 ? "Connection: keep-alive\r\n" : "");
    c->hlen = b.n;
    if (!head) buf_put(&b, body, n);
    free(c->out);
    if (b.oom) { /* nothing to say: the connection closes */
        free(b.p);
        c->out = NULL, c->nout = c->off = 0, c->close_after = 1;
    } else {
        c->out = (char *)b.p, c->nout = b.n, c->off = 0;
    }
    c->status = status, c->bytes = n;
}

/* An error answer {"error": msg}. */
static void conn_error(Conn *c, int status, const char *msg, const char *allow)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (f) {
        fputs("{\"error\":", f), print_name(f, msg, FMT_JSON), fputs("}\n", f);
        if (fclose(f)) free(text), text = NULL, len = 0;
    }
    conn_answer(c, status, text ? text : "", len, allow);
    free(text);
}

/* predict's answers (JSON, with --probs) to the rows of csv (taken over),
 * model m, by worker w: rows lines, one a row, in *lines; 0, or an HTTP
 * status with a message in why. */
/* predict's message msg, said of instances: a trailing hint about files or
 * command-line options cut off. */
static void serve_reword(char *msg)
{
    char *p = strstr(msg, "; give the file a header line");
    size_t n;
    if (p) *p = 0;
    n = strlen(msg);
    if (n && msg[n - 1] == ')') { /* the last parenthesis, when it speaks of files or options */
        int depth = 0;
        for (p = msg + n - 1; p > msg; p--) {
            depth += *p == ')' ? 1 : *p == '(' ? -1 : 0;
            if (!depth) break;
        }
        if (!depth && p > msg && p[-1] == ' ' && (strstr(p, "--") || strstr(p, "file"))) p[-1] = 0;
    }
}

static int serve_rows(const Worker *w, Served *m, Buf *csvb, size_t rows, int objects, int floats, const char *keep, char **lines, size_t *nlines,
                      ServeNote *note, char *why, size_t whylen)
{
    Buf csv = *csvb;
    FILE *lf;
    CsvOpt co = m->co;
    OutOpt oo;
    Err err = {{0}, {0}};
    int rc;
    *lines = NULL, *nlines = 0;
    if (!floats) buf_put(&csv, "", 1), csv.n--; /* (room for predict's terminating byte) */
    if (csv.oom || !(lf = open_memstream(lines, nlines))) {
        free(csv.p);
        snprintf(why, whylen, "out of memory");
        return 500;
    }
    co.header = objects;
    memset(&oo, 0, sizeof oo);
    oo.f = lf, oo.fmt = FMT_JSON, oo.probs = m->N.task != TASK_REGRESS, oo.threshold = -1;
    oo.names = m->M.names, oo.nnames = m->M.nnames, oo.tab = m->M.tab.ncol ? &m->M.tab : NULL;
    oo.tm = m->N.task == TASK_REGRESS ? &m->M.out : NULL;
    oo.keep = keep, oo.note = &note->rn, oo.mpath = m->name; /* (the scale check of the first rows, said into note->said) */
    memset(note, 0, sizeof *note);
    say_to = note->said, say_room = sizeof note->said;
    if (floats) {
        rc = predict_numbers(w->pl, &m->inf[w->id], &m->N, "request", (const float *)csv.p, rows, &oo, &err);
        free(csv.p);
        if (rc == 1) { /* an answer not finite: the rows as text give predict's message */
            say_to = NULL, say_room = 0;
            fclose(lf), free(*lines), *lines = NULL, *nlines = 0;
            return -1;
        }
    } else {
        rc = predict_stream(w->pl, &m->inf[w->id], &m->N, -1, 1, "request", &co, csv.p, csv.n, csv.n + 1, &oo, &err); /* (csv.p taken over) */
    }
    say_to = NULL, say_room = 0;
    free(oo.keepcol), names_free(oo.keepname, oo.nkeep);
    if (fclose(lf)) rc = fail(&err, NULL, "out of memory");
    if (rc) {
        size_t line = 0;
        const char *q;
        size_t nf, first;
        int at = 0;
        serve_reword(err.msg);
        if (!strncmp(err.where, "request:", 8) && !parse_size(err.where + 8, SIZE_MAX, &line) && line > (size_t)objects &&
            sscanf(err.msg, "%zu columns, but the first line has %zu%n", &nf, &first, &at) == 2 && at) /* (said of instances) */
            snprintf(why, whylen, "instance %zu has %zu value%s, but instance 0 has %zu", line - 1 - (size_t)objects, nf, plural(nf), first);
        else if (!strncmp(err.where, "request:", 8) && !parse_size(err.where + 8, SIZE_MAX, &line) && line > (size_t)objects &&
                 sscanf(err.msg, "%zu features per row, but the model takes %zu%n", &nf, &first, &at) == 2 && at)
            snprintf(why, whylen, "instance %zu has %zu value%s, but the model takes %zu", line - 1 - (size_t)objects, nf, plural(nf), first);
        else if (!strncmp(err.where, "request:", 8) && !parse_size(err.where + 8, SIZE_MAX, &line) && line > (size_t)objects)
            snprintf(why, whylen, "instance %zu: %s", line - 1 - (size_t)objects, err.msg);
        else if (!objects && sscanf(err.msg, "%zu columns; the limit is %zu%n", &nf, &first, &at) == 2 && at)
            snprintf(why, whylen, "instance 0 has %zu values, but the model takes %zu", nf, m->N.size[0]);
        else if (!objects && m->named) /* (arrays that do not fit a table's columns) */
            snprintf(why, whylen, "%s: send each instance as an object by column name (GET /v1/models/%s lists them)", err.msg, m->name);
        else if (objects && !strncmp(err.msg, "no column '", 11) && (q = strchr(err.msg + 11, '\'')))
            snprintf(why, whylen, "the instances have no member '%.*s', a column the model was trained with%s (send null for a missing value)",
                     (int)(q - err.msg - 11), err.msg + 11, strstr(err.msg, "case-sensitive") ? " (names are case-sensitive)" : "");
        else
            snprintf(why, whylen, "%s", err.msg);
        free(*lines), *lines = NULL;
        return strstr(err.msg, "out of memory") ? 500 : 400;
    }
    {
        size_t answers = 0;
        for (size_t i = 0; i < *nlines; i++) answers += (*lines)[i] == '\n';
        if (answers != rows) { /* (cannot happen: every line is a row, and predict answers each or stops) */
            snprintf(why, whylen, "%zu answers to %zu instances", answers, rows);
            free(*lines), *lines = NULL;
            return 500;
        }
    }
    return 0;
}

/* The "warnings" member of an answer whose rows' encoding noted something
 * (predict says it on stderr): categories not seen in training, missing
 * values filled in; nothing when there is nothing to say. */
static void put_warnings(FILE *f, const ServeNote *sn, const Served *m)
{
    const RowNote *n = &sn->rn;
    char t[1100];
    int k = 0;
    if (!n->filled && !n->unseen_rows && !sn->said[0]) return;
    fputs(",\"warnings\":[", f);
    for (const char *p = sn->said, *e; *p; p = e + 1) { /* "warning: request: its values ...": the scale check's */
        e = strchr(p, '\n');
        if (!strncmp(p, "warning: ", 9)) p += 9;
        if (!strncmp(p, "request: ", 9)) p += 9;
        snprintf(t, sizeof t, "%.*s", (int)(e - p), p);
        fputs(k++ ? "," : "", f), print_name(f, t, FMT_JSON);
    }
    if (n->unseen_rows) note_unseen_text(n, &m->M.tab, t, sizeof t), fputs(k++ ? "," : "", f), print_name(f, t, FMT_JSON);
    if (n->filled) {
        snprintf(t, sizeof t, "%zu missing value%s filled in with the training means", n->filled, plural(n->filled));
        fputs(k++ ? "," : "", f), print_name(f, t, FMT_JSON);
    }
    fputc(']', f);
}

/* predict's lines p[0..n), one JSON object each, as the elements of an array */
static void put_answers(FILE *f, const char *p, size_t n)
{
    const char *e = p + n, *q;
    fputc('[', f);
    if (!n) fputc(']', f);
    for (; p < e; p = q + 1) {
        q = memchr(p, '\n', (size_t)(e - p));
        if (!q) q = e; /* (every line ends with one) */
        fwrite(p, 1, (size_t)(q - p), f), fputc(q + 1 < e ? ',' : ']', f);
    }
}

/* A request's instances for model m: arrays of numbers for a model
 * without a table straight into floats (*floats set), else as CSV text
 * (instances_parse). */
static int serve_parse(const Server *s, const Served *m, const char *body, size_t n, Buf *csv, size_t *rows, int *objects, int *floats,
                       char *why, size_t whylen)
{
    int rc = m->M.tab.ncol ? 1 : instances_parse(body, n, s->max_rows, s->keep, m->N.size[0], csv, rows, objects, why, whylen);
    *floats = rc == 0;
    if (rc == 1) rc = instances_csv(body, n, s->max_rows, s->keep, csv, rows, objects, why, whylen);
    return rc;
}

/* POST /v1/models/NAME:predict: the instances of body[0..n) answered by
 * model m (predict's own reader and JSON answers) into *f; the status, and
 * a message in why for an error. */
static int serve_predict(const Server *s, const Worker *w, Served *m, const char *body, size_t n, Parsed *pp, FILE *f, char *why, size_t whylen)
{
    Buf csv;
    size_t rows = 0;
    int objects = 0, floats = 0, rc;
    char *lines = NULL;
    size_t nlines = 0;
    ServeNote note;
    if (pp) { /* read already (serve_batch): taken over */
        csv = pp->csv, rows = pp->rows, objects = pp->objects, floats = pp->floats, rc = pp->rc;
        memset(&pp->csv, 0, sizeof pp->csv);
        if (rc) snprintf(why, whylen, "%s", pp->why);
    } else {
        rc = serve_parse(s, m, body, n, &csv, &rows, &objects, &floats, why, whylen);
    }
    if (rc) return rc == -2 ? 413 : 400;
    if (!rows) {
        free(csv.p);
        fputs("{\"predictions\":[]}\n", f);
        return 200;
    }
    if (objects && !m->named) {
        free(csv.p);
        snprintf(why, whylen, "model '%s' knows no column names: give each instance as an array of its %zu inputs", m->name, m->N.size[0]);
        return 400;
    }
    rc = serve_rows(w, m, &csv, rows, objects, floats, objects ? s->keep : NULL, &lines, &nlines, &note, why, whylen);
    if (rc < 0) { /* (read as numbers, an answer not finite: again as text, for predict's message) */
        if ((rc = instances_csv(body, n, s->max_rows, s->keep, &csv, &rows, &objects, why, whylen))) return rc == -2 ? 413 : 400;
        rc = serve_rows(w, m, &csv, rows, objects, 0, objects ? s->keep : NULL, &lines, &nlines, &note, why, whylen);
    }
    if (rc) return rc;
    fputs("{\"predictions\":", f), put_answers(f, lines, nlines), put_warnings(f, &note, m), fputs("}\n", f);
    free(lines);
    return 200;
}

/* name[0..n) of a request's path percent-decoded (RFC 3986: "my%20model"
 * is "my model") into d (cap bytes, NUL-terminated): its length, or -1
 * for a bad or NUL escape or a name that does not fit. */
static long path_decode(const char *name, size_t n, char *d, size_t cap)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        int c = (unsigned char)name[i];
        if (c == '%') {
            int h[2];
            for (int j = 0; j < 2; j++) {
                int x = i + 1 + (size_t)j < n ? (unsigned char)name[i + 1 + (size_t)j] : 0;
                h[j] = x >= '0' && x <= '9' ? x - '0' : (x | 0x20) >= 'a' && (x | 0x20) <= 'f' ? (x | 0x20) - 'a' + 10 : -1;
            }
            if (h[0] < 0 || h[1] < 0 || !(c = h[0] * 16 + h[1])) return -1;
            i += 2;
        }
        if (k + 1 >= cap) return -1;
        d[k++] = (char)c;
    }
    d[k] = 0;
    return (long)k;
}

/* The model of the NAME name[0..n) in a request's path (percent-decoded), or NULL. */
static Served *served_named(const ModelSet *ms, const char *name, size_t n)
{
    char d[NN_NAME_MAX];
    long kl = path_decode(name, n, d, sizeof d);
    size_t k = (size_t)kl;
    if (kl < 0) return NULL;
    for (int i = 0; i < ms->n; i++)
        if (strlen(ms->m[i].name) == k && !memcmp(ms->m[i].name, d, k)) return &ms->m[i];
    return NULL;
}

/* Answer c's request (a worker); pp: its instances read already, or NULL. */
static void serve_request(Server *s, Worker *w, Conn *c, Parsed *pp)
{
    const char *t = (const char *)c->in + c->req.toff, *q;
    size_t tl = c->req.tlen, nl;
    int get = c->req.method == HTTP_GET || c->req.method == HTTP_HEAD, status = 200;
    const char *allow = "GET, HEAD"; /* (a 405's Allow) */
    char why[1024], *text = NULL;
    size_t len = 0;
    ModelSet *ms = set_get(s);
    Served *m = NULL;
    FILE *f = open_memstream(&text, &len);
    why[0] = 0;
    if ((q = memchr(t, '?', tl))) tl = (size_t)(q - t); /* (a query is ignored) */
    if (!f) {
        status = 500, snprintf(why, sizeof why, "out of memory");
    } else if (tl == 8 && !memcmp(t, "/healthz", 8)) {
        if (!get) status = 405;
        else fprintf(f, "{\"status\":\"ok\",\"models\":%d}\n", ms->n);
    } else if ((tl == 10 || tl == 11) && !memcmp(t, "/v1/models/", tl)) {
        if (!get) status = 405;
        else {
            fputs("{\"models\":[", f);
            for (int i = 0; i < ms->n; i++) {
                fputs(i ? ",{\"name\":" : "{\"name\":", f), print_name(f, ms->m[i].name, FMT_JSON);
                fputc(',', f), fwrite(ms->m[i].info, 1, ms->m[i].ninfo, f);
            }
            fputs("]}\n", f);
        }
    } else if (tl > 11 && !memcmp(t, "/v1/models/", 11)) {
        const char *name = t + 11, *verb = memchr(name, ':', tl - 11);
        nl = verb ? (size_t)(verb - name) : tl - 11;
        if (!(m = served_named(ms, name, nl))) {
            char d[256];
            if (path_decode(name, nl, d, sizeof d) >= 0) status = 404, snprintf(why, sizeof why, "no model named '%s'", d);
            else status = 404, snprintf(why, sizeof why, "no model named '%.*s'", (int)(nl > 200 ? 200 : nl), name);
        } else if (!verb) {
            if (!get) status = 405;
            else fputs("{\"name\":", f), print_name(f, m->name, FMT_JSON), fputc(',', f), fwrite(m->info, 1, m->ninfo, f), fputc('\n', f);
        } else if (t + tl - verb == 8 && !memcmp(verb, ":predict", 8)) {
            if (c->req.method != HTTP_POST) status = 405, allow = "POST";
            else status = serve_predict(s, w, m, (const char *)c->in + c->req.head, c->req.body, pp, f, why, sizeof why);
        } else {
            status = 404, snprintf(why, sizeof why, "no such verb '%.*s': POST /v1/models/NAME:predict", (int)(t + tl - verb > 100 ? 100 : t + tl - verb), verb);
        }
    } else {
        status = 404, snprintf(why, sizeof why, "no such path: GET /healthz, GET /v1/models, GET /v1/models/NAME, POST /v1/models/NAME:predict");
    }
    if (f && fclose(f)) status = 500, snprintf(why, sizeof why, "out of memory");
    if (status == 405) {
        snprintf(why, sizeof why, "%s is not allowed here: %s", c->req.mname, allow);
        conn_error(c, 405, why, allow);
    } else if (status != 200) {
        conn_error(c, status, why, NULL);
    } else {
        conn_answer(c, 200, text, len, NULL);
    }
    free(text);
    set_put(ms);
}

/* Hand c's answer back to the loop (a worker). */
static void serve_done(Server *s, Conn *c)
{
    pthread_mutex_lock(&s->mu);
    c->next = s->done, s->done = c;
    pthread_mutex_unlock(&s->mu);
    if (write(s->wake[1], "", 1) < 0) {} /* (a full pipe already wakes the loop) */
}

/* Whether request c may be one of a batch: a prediction whose body could
 * hold few enough instances (a worker takes it beside another without
 * reading it). */
static int serve_small(const Conn *c)
{
    const char *t = (const char *)c->in + c->req.toff;
    return c->req.method == HTTP_POST && c->req.body <= NN_SERVE_BATCH_BYTES && c->req.tlen > 8 && !memcmp(t + c->req.tlen - 8, ":predict", 8);
}

/* The model that request c asks for predictions, when it is a POST of
 * /v1/models/NAME:predict (a query ignored), else NULL. */
static Served *serve_batchable(const ModelSet *ms, const Conn *c)
{
    const char *t = (const char *)c->in + c->req.toff, *verb, *q;
    size_t tl = c->req.tlen;
    if ((q = memchr(t, '?', tl))) tl = (size_t)(q - t); /* (a query is ignored) */
    if (c->req.method != HTTP_POST || tl <= 19 || memcmp(t, "/v1/models/", 11) || !(verb = memchr(t + 11, ':', tl - 11)) ||
        verb != t + tl - 8 || memcmp(verb, ":predict", 8))
        return NULL;
    return served_named(ms, t + 11, (size_t)(verb - t - 11));
}

/* Answer the requests c[0..n) (a worker).  Those that ask one model about
 * at most NN_SERVE_BATCH_ROWS instances given as arrays of numbers, with
 * nothing to warn about, go through the network together, their rows in
 * one pass (each row's answer is its own, the same as alone), and each gets
 * its part; every other request, and each of a group whose pass fails or
 * warns, is answered alone. */
static void serve_batch(Server *s, Worker *w, Conn **c, size_t n)
{
    ModelSet *ms;
    Served *m[NN_SERVE_BATCH];
    Parsed *P = n > 1 ? calloc(n, sizeof *P) : NULL;
    int answered[NN_SERVE_BATCH] = {0};
    char why[256];
    if (P) {
        ms = set_get(s);
        for (size_t i = 0; i < n; i++) { /* each prediction's instances read once, here */
            if (!(m[i] = serve_batchable(ms, c[i]))) continue;
            P[i].rc = serve_parse(s, m[i], (const char *)c[i]->in + c[i]->req.head, c[i]->req.body, &P[i].csv, &P[i].rows, &P[i].objects,
                                  &P[i].floats, P[i].why, sizeof P[i].why);
            if (P[i].rc || !P[i].floats || !P[i].rows || P[i].rows > NN_SERVE_BATCH_ROWS) {
                m[i] = NULL; /* (answered alone) */
            } else { /* its own scale check: a request that draws a warning is answered alone, with it */
                char said[1024] = "";
                size_t d = m[i]->N.size[0];
                say_to = said, say_room = sizeof said;
                scale_check((const float *)P[i].csv.p, P[i].rows, d, d, m[i]->inf[w->id].in, NULL, -1, "request", m[i]->name);
                say_to = NULL, say_room = 0;
                if (said[0]) m[i] = NULL;
            }
        }
        for (size_t i = 0; i < n; i++) {
            size_t g[NN_SERVE_BATCH], ng = 0, total = 0, nlines = 0;
            char *lines = NULL;
            ServeNote note; /* (a note of the group's: each request answered alone, with its own warnings) */
            Buf all = {NULL, 0, 0, 0};
            if (!m[i] || answered[i]) continue;
            for (size_t j = i; j < n; j++)
                if (m[j] == m[i] && P[j].floats == P[i].floats && !answered[j]) {
                    g[ng++] = j, total += P[j].rows, buf_put(&all, P[j].csv.p, P[j].csv.n);
                    answered[j] = -1; /* (in this group: answered alone if it fails) */
                }
            if (ng > 1 && !serve_rows(w, m[i], &all, total, 0, P[i].floats, NULL, &lines, &nlines, &note, why, sizeof why) && !note.rn.filled && !note.rn.unseen_rows && !note.said[0]) {
                const char *p = lines;
                for (size_t k = 0; k < ng; k++) { /* each request's rows' lines */
                    const char *q = p;
                    char *text = NULL;
                    size_t len = 0;
                    FILE *f;
                    for (size_t r = 0; r < P[g[k]].rows; r++) q = (const char *)memchr(q, '\n', (size_t)(lines + nlines - q)) + 1;
                    if ((f = open_memstream(&text, &len))) {
                        fputs("{\"predictions\":", f), put_answers(f, p, (size_t)(q - p)), fputs("}\n", f);
                        if (!fclose(f)) conn_answer(c[g[k]], 200, text, len, NULL), answered[g[k]] = 1, serve_done(s, c[g[k]]);
                    }
                    free(text);
                    p = q;
                }
            } else if (ng == 1) {
                free(all.p);
            }
            free(lines);
        }
        set_put(ms);
    }
    for (size_t i = 0; i < n; i++)
        if (answered[i] != 1) {
            serve_request(s, w, c[i], P && (P[i].csv.p || P[i].rc) ? &P[i] : NULL);
            serve_done(s, c[i]);
        }
    for (size_t i = 0; P && i < n; i++) free(P[i].csv.p);
    free(P);
}

static void *serve_worker(void *arg)
{
    Worker *w = arg;
    Server *s = w->s;
    for (;;) {
        Conn *batch[NN_SERVE_BATCH];
        size_t nb;
        pthread_mutex_lock(&s->mu);
        while (!s->qhead && !s->quit) pthread_cond_wait(&s->cv, &s->mu);
        if (!s->qhead) {
            pthread_mutex_unlock(&s->mu);
            return NULL;
        }
        /* the first waiting request, and after it a share of the small
         * predictions that wait (a batch: every worker gets some) */
        size_t take = s->qlen / (size_t)s->nw;
        if (take < 1) take = 1;
        if (take > (size_t)s->batch) take = (size_t)s->batch;
        for (nb = 0; s->qhead && (!nb || (nb < take && serve_small(s->qhead))); nb++) {
            batch[nb] = s->qhead, s->qhead = s->qhead->next, s->qlen--;
        }
        if (!s->qhead) s->qtail = NULL;
        pthread_mutex_unlock(&s->mu);
        serve_batch(s, w, batch, nb);
    }
}

/* The start of the access log's line for c's answer: peer, method, target
 * (bytes that are not printable escaped); serve_log_end says the rest. */
static void serve_log(const Server *s, Conn *c, const char *method)
{
    char t[256];
    size_t k = 0;
    c->logl[0] = 0;
    if (s->quiet) return;
    for (size_t i = 0; i < c->req.tlen && k + 5 < sizeof t; i++) {
        unsigned char ch = c->in[c->req.toff + i];
        if (ch > ' ' && ch < 0x7f && ch != '\\') t[k++] = (char)ch;
        else k += (size_t)snprintf(t + k, sizeof t - k, "\\x%02x", ch);
    }
    t[k] = 0;
    snprintf(c->logl, sizeof c->logl, "%s %s %s", c->peer, method, k ? t : "-");
}

/* The access-log line of c's answer, begun by serve_log: its status, body
 * bytes and milliseconds, and how much of it went when the client stopped
 * taking it (sent: the answer's bytes written). */
static void serve_log_end(Conn *c, int whole, size_t sent)
{
    size_t body = sent > c->hlen ? sent - c->hlen : 0;
    if (!c->logl[0]) return;
    if (whole) fprintf(stderr, "%s: %s %d %zu %.2f ms\n", progname, c->logl, c->status, c->bytes, (now_seconds() - c->t0) * 1e3);
    else fprintf(stderr, "%s: %s %d %zu %.2f ms (cut off: %zu of its %zu bytes taken)\n", progname, c->logl, c->status, c->bytes,
                 (now_seconds() - c->t0) * 1e3, body < c->bytes ? body : c->bytes, c->bytes);
    c->logl[0] = 0;
}

static void conn_close(Conn *c)
{
    serve_log_end(c, 0, c->off);
    close(c->fd);
    free(c->in), free(c->out), free(c);
}

/* Look at what c has read: a bad request is answered, a whole one goes to
 * the workers, a head asking 100-continue gets it. */
static void conn_parse(Server *s, Conn *c, double now)
{
    int rc;
    if (!c->nin) return;
    rc = http_parse(c->in, c->nin, s->max_head, s->max_body, &c->req);
    if (rc < 0) { /* (the access log names the method and path when the request line was read) */
        char why[160];
        c->t0 = now, c->state = CONN_WRITE, c->deadline = now + s->timeout;
        if (c->req.status == 413 && c->req.body) /* (the sizes, for a client that cannot read the server's options) */
            snprintf(why, sizeof why, "a body of %zu bytes: this server takes %zu at most (--max-body)", c->req.body, s->max_body);
        else
            snprintf(why, sizeof why, "%s", c->req.why);
        conn_error(c, c->req.status, why, NULL);
        serve_log(s, c, c->req.mname[0] ? c->req.mname : "-");
        return;
    }
    if (rc == 0) return;
    if (c->nin < c->req.head + c->req.body) {
        if (c->req.expect && !c->cont_sent && c->req.minor == 1) { /* (an HTTP/1.0 client's expectation is ignored: RFC 7231 5.1.1) */
            ModelSet *ms = set_get(s);
            Served *m = serve_batchable(ms, c);
            set_put(ms);
            if (!m) { /* not a prediction of a model served: its answer now, without the body, and the connection closed */
                c->req.body = 0, c->req.keep = 0;
                goto whole;
            }
            if (send(c->fd, "HTTP/1.1 100 Continue\r\n\r\n", 25, MSG_NOSIGNAL) < 0) {} /* (a few bytes: a full socket buffer drops it, and the client sends anyway) */
            c->cont_sent = 1;
        }
        return;
    }
whole:
    c->state = CONN_WORK, c->t0 = now, c->close_after = s->draining && c->nin == c->req.head + c->req.body; /* (the last that has arrived) */
    pthread_mutex_lock(&s->mu);
    c->next = NULL;
    if (s->qtail) s->qtail->next = c;
    else s->qhead = c;
    s->qtail = c, s->qlen++;
    pthread_cond_signal(&s->cv);
    pthread_mutex_unlock(&s->mu);
}

/* Write what c has to write; when done, on to its next request (or the
 * close). */
static void conn_write(Server *s, Conn *c, double now)
{
    int whole = 1;
    while (c->off < c->nout) {
        ssize_t k = send(c->fd, c->out + c->off, c->nout - c->off, MSG_NOSIGNAL);
        if (k < 0 && errno == EINTR) continue;
        if (k < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
        if (k <= 0) {
            c->close_after = 1, whole = 0;
            break;
        }
        c->off += (size_t)k;
    }
    serve_log_end(c, whole, c->off);
    free(c->out), c->out = NULL, c->nout = c->off = 0;
    if (c->close_after) { /* lingering close: the client's unread bytes would reset the connection and lose the answer */
        shutdown(c->fd, SHUT_WR);
        c->state = CONN_LINGER, c->deadline = now + 2;
        return;
    }
    c->state = CONN_READ;
    c->cont_sent = 0;
    c->deadline = now + (c->nin ? s->timeout : s->idle);
    conn_parse(s, c, now);
}

/* Read what has arrived on c. */
static int conn_read(Server *s, Conn *c, double now)
{
    size_t want = c->nin + NN_SERVE_READ;
    ssize_t k;
    if (c->state == CONN_LINGER) {
        char sink[4096];
        k = recv(c->fd, sink, sizeof sink, 0);
        return k == 0 || (k < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) ? -1 : 0;
    }
    if (want > c->cap) {
        size_t nc = c->cap ? c->cap : NN_SERVE_READ;
        uint8_t *p;
        while (nc < want) nc *= 2;
        if (!(p = realloc(c->in, nc))) return -1;
        c->in = p, c->cap = nc;
    }
    k = recv(c->fd, c->in + c->nin, c->cap - c->nin, 0);
    if (k < 0) return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ? 0 : -1;
    if (k == 0) return -1; /* the client closed: a half request has no answer */
    if (!c->nin) c->deadline = now + s->timeout; /* a request begins: it has --timeout to arrive */
    c->nin += (size_t)k;
    conn_parse(s, c, now);
    return 0;
}

/* An answer handed back by a worker: logged, its request dropped from the
 * buffer, and written. */
static void conn_done(Server *s, Conn *c, double now)
{
    size_t used = c->req.head + c->req.body;
    serve_log(s, c, c->req.mname);
    memmove(c->in, c->in + used, c->nin - used), c->nin -= used;
    if (s->draining && !c->nin) c->close_after = 1; /* (one dispatched before the signal says keep-alive, and is closed anyway; requests after it that have arrived are answered) */
    c->state = CONN_WRITE, c->deadline = now + s->timeout;
    conn_write(s, c, now);
}

/* Parse HOST:PORT ([V6]:PORT) and listen there; the socket, or -1 with a
 * message. */
static int serve_listen(const char *spec, char *bound, size_t nb, Err *err)
{
    char host[256];
    const char *colon = spec[0] == '[' && strchr(spec, ']') ? strchr(strchr(spec, ']'), ':') : strrchr(spec, ':'), *h = spec;
    size_t hl, port = 0;
    struct addrinfo hints, *ai = NULL;
    int fd = -1, one = 1, e;
    if (!colon || !colon[1] || (spec[0] == '[' && colon != strchr(spec, ']') + 1))
        return fail(err, NULL, "--listen '%s': expected HOST:PORT, e.g. 127.0.0.1:8080 or [::1]:8080", spec);
    for (const char *d = colon + 1; *d; d++)
        if (*d < '0' || *d > '9' || (port = port * 10 + (size_t)(*d - '0')) > 65535)
            return fail(err, NULL, "--listen '%s': the port is a whole number from 0 to 65535 (0: a free one)", spec);
    hl = (size_t)(colon - spec);
    if (hl >= 2 && h[0] == '[' && h[hl - 1] == ']') h++, hl -= 2;
    if (hl >= sizeof host) return fail(err, NULL, "--listen '%s': the host name is too long", spec);
    memcpy(host, h, hl), host[hl] = 0;
    if (h == spec && memchr(host, ':', hl))
        return fail(err, NULL, "--listen '%s': an IPv6 address goes in brackets, e.g. [::1]:8080", spec);
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC, hints.ai_socktype = SOCK_STREAM, hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    if ((e = getaddrinfo(hl ? host : NULL, colon + 1, &hints, &ai)))
        return fail(err, NULL, "--listen '%s': %s", spec, gai_strerror(e));
    for (struct addrinfo *a = ai; a; a = a->ai_next) {
        if ((fd = socket(a->ai_family, a->ai_socktype, a->ai_protocol)) < 0) continue;
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        if (!bind(fd, a->ai_addr, a->ai_addrlen) && !listen(fd, 511)) break;
        e = errno, close(fd), fd = -1, errno = e;
    }
    freeaddrinfo(ai);
    if (fd < 0) return fail(err, NULL, "--listen '%s': %s", spec, strerror(errno));
    {
        struct sockaddr_storage ss;
        socklen_t sl = sizeof ss;
        char hb[NI_MAXHOST], pb[NI_MAXSERV];
        if (getsockname(fd, (struct sockaddr *)&ss, &sl) || getnameinfo((struct sockaddr *)&ss, sl, hb, sizeof hb, pb, sizeof pb, NI_NUMERICHOST | NI_NUMERICSERV))
            snprintf(bound, nb, "%s", spec);
        else
            snprintf(bound, nb, ss.ss_family == AF_INET6 ? "[%s]:%s" : "%s:%s", hb, pb);
    }
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    return fd;
}

/* The text of c's peer, "ADDRESS:PORT". */
static void peer_name(Conn *c, const struct sockaddr_storage *ss, socklen_t sl)
{
    char hb[NI_MAXHOST], pb[NI_MAXSERV];
    if (getnameinfo((const struct sockaddr *)ss, sl, hb, sizeof hb, pb, sizeof pb, NI_NUMERICHOST | NI_NUMERICSERV))
        snprintf(c->peer, sizeof c->peer, "-");
    else
        snprintf(c->peer, sizeof c->peer, ss->ss_family == AF_INET6 ? "[%s]:%s" : "%s:%s", hb, pb);
}

/* The event loop, until SIGTERM or SIGINT and the last answer written. */
static void serve_loop(Server *s, int lfd)
{
    Conn **conns = calloc(s->max_conns, sizeof *conns);
    struct pollfd *pf = calloc(s->max_conns + 2, sizeof *pf);
    size_t nc = 0;
    int draining = 0;
    double accept_pause = 0;
    if (!conns || !pf) {
        say("out of memory for %zu connections", s->max_conns);
        free(conns), free(pf);
        return;
    }
    for (;;) {
        double now = now_seconds(), next = now + 0.25;
        Conn *done;
        if (serve_hup) {
            Err err = {{0}, {0}};
            ModelSet *ms, *old;
            serve_hup = 0;
            if (!(ms = set_load(s, &err))) {
                fprintf(stderr, "%s: reload failed: %s%s%s; still serving the models loaded before\n", progname, err.where, err.where[0] ? ": " : "", err.msg);
            } else {
                pthread_mutex_lock(&s->setmu);
                old = s->set, s->set = ms;
                pthread_mutex_unlock(&s->setmu);
                set_put(old); /* (freed when its last request ends) */
                say("reloaded %d model%s", ms->n, plural((size_t)ms->n));
            }
        }
        if (serve_stop && !draining) {
            draining = s->draining = 1;
            close(lfd), lfd = -1;
            say("stopping: answering the requests that have arrived (%zu connection%s open)", nc, plural(nc));
        }
        pthread_mutex_lock(&s->mu);
        done = s->done, s->done = NULL;
        pthread_mutex_unlock(&s->mu);
        while (done) { /* (next taken first: conn_done may hand c to a worker again, which links it into another list) */
            Conn *c = done;
            done = c->next;
            conn_done(s, c, now);
        }
        { /* the wake-up bytes */
            char sink[256];
            while (read(s->wake[0], sink, sizeof sink) > 0) {}
        }
        /* deadlines, and the connections that are finished */
        for (size_t i = 0; i < nc;) {
            Conn *c = conns[i];
            int drop = c->fd < 0;
            if (!drop && c->state != CONN_WORK && now >= c->deadline) {
                if (c->state == CONN_READ && c->nin) { /* a request that did not arrive in time */
                    c->t0 = now, c->close_after = 1, c->state = CONN_WRITE, c->deadline = now + s->timeout;
                    char why[120];
                    snprintf(why, sizeof why, "the request did not arrive whole within %g s (--timeout)", s->timeout);
                    conn_error(c, 408, why, NULL);
                    serve_log(s, c, c->req.mname[0] ? c->req.mname : "-"); /* (and its path, when its head had come) */
                    conn_write(s, c, now);
                } else {
                    drop = 1;
                }
            }
            if (!drop && draining && c->state == CONN_READ && !c->nin) drop = 1; /* idle: nothing in flight */
            if (drop) {
                serve_log_end(c, 0, c->off); /* (an answer under way: the client did not take it within --timeout) */
                if (c->fd >= 0) close(c->fd);
                c->fd = -1, free(c->in), free(c->out), free(c);
                conns[i] = conns[--nc];
                continue;
            }
            if (c->state != CONN_WORK && c->deadline < next) next = c->deadline;
            i++;
        }
        if (draining && !nc) break;
        /* poll */
        pf[0].fd = s->wake[0], pf[0].events = POLLIN;
        pf[1].fd = lfd >= 0 && now >= accept_pause ? lfd : -1, pf[1].events = POLLIN;
        for (size_t i = 0; i < nc; i++) {
            Conn *c = conns[i];
            pf[i + 2].fd = c->state == CONN_WORK ? -1 : c->fd;
            pf[i + 2].events = c->state == CONN_WRITE ? POLLOUT : POLLIN;
            pf[i + 2].revents = 0;
        }
        pf[0].revents = pf[1].revents = 0;
        {
            double wait = next - now;
            if (lfd >= 0 && now < accept_pause && accept_pause - now < wait) wait = accept_pause - now;
            if (poll(pf, (nfds_t)(nc + 2), wait < 0 ? 0 : (int)(wait * 1000) + 1) < 0 && errno != EINTR) {
                say("poll: %s", strerror(errno));
                break;
            }
        }
        now = now_seconds();
        for (size_t i = 0; i < nc; i++) {
            Conn *c = conns[i];
            short ev = pf[i + 2].revents;
            if (pf[i + 2].fd < 0 || !ev) continue;
            if (c->state == CONN_WRITE) {
                if (ev & (POLLOUT | POLLERR | POLLHUP)) conn_write(s, c, now);
            } else if (conn_read(s, c, now)) {
                close(c->fd), c->fd = -1; /* (dropped above next time) */
            } else if (c->state == CONN_WRITE) {
                conn_write(s, c, now);
            }
        }
        if (pf[1].fd >= 0 && (pf[1].revents & POLLIN)) {
            for (;;) { /* every connection waiting */
                struct sockaddr_storage ss;
                socklen_t sl = sizeof ss;
                int fd = accept(lfd, (struct sockaddr *)&ss, &sl), one = 1;
                Conn *c;
                if (fd < 0) {
                    if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) accept_pause = now + 0.1; /* (no descriptor: later) */
                    break;
                }
                if (nc >= s->max_conns || !(c = calloc(1, sizeof *c))) {
                    static const char busy[] = "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nContent-Length: 47\r\n"
                                               "Connection: close\r\n\r\n{\"error\":\"too many connections (--max-conns)\"}\n";
                    Conn b; /* (for the access log's line) */
                    if (send(fd, busy, sizeof busy - 1, MSG_NOSIGNAL) < 0) {}
                    close(fd);
                    memset(&b, 0, sizeof b);
                    peer_name(&b, &ss, sl), b.status = 503, b.bytes = 47, b.t0 = now;
                    serve_log(s, &b, "-"), serve_log_end(&b, 1, 0);
                    continue;
                }
                fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
                setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
                c->fd = fd, c->state = CONN_READ, c->deadline = now + s->idle;
                peer_name(c, &ss, sl);
                conns[nc++] = c;
            }
        }
    }
    for (size_t i = 0; i < nc; i++) conn_close(conns[i]);
    free(conns), free(pf);
}

/* --max-body's size: bytes, or with K, M or G (KiB, MiB, GiB). */
static int size_option(const char *s, size_t max, size_t *v)
{
    char num[32];
    size_t n = strlen(s), mult = 1;
    if (!n || n >= sizeof num) return -1;
    memcpy(num, s, n + 1);
    switch (num[n - 1]) {
    case 'k': case 'K': mult = (size_t)1 << 10; break;
    case 'm': case 'M': mult = (size_t)1 << 20; break;
    case 'g': case 'G': mult = (size_t)1 << 30; break;
    default: break;
    }
    if (mult > 1) num[--n] = 0;
    if (parse_size(num, max / mult, v) || !*v) return -1;
    *v *= mult;
    return 0;
}

/* A time in seconds, above 0 and at most a day. */
static int seconds_option(const char *s, double *t)
{
    return parse_double(s, t) || !(*t > 0 && *t <= 86400) ? -1 : 0;
}

static int cmd_serve(int argc, char **argv)
{
    const OptSpec *S = serve_opts;
    const char *val[NN_MAX_OPTS] = {0}, *pos[NN_MAX_SERVED + 1], *o;
    char bound[NI_MAXHOST + NI_MAXSERV + 8], names[NN_MAX_SERVED][NN_NAME_MAX];
    int npos, rc, lfd;
    size_t v;
    Server s;
    Worker *w;
    Err err = {{0}, {0}};
    sigset_t block, old;
    struct sigaction sa, oint, oterm, ohup, opipe;
    if ((rc = parse_opts("serve", argc, argv, S, val, (int)(sizeof val / sizeof *val), pos, NN_MAX_SERVED, &npos))) return rc;
    if (OPT(S, val, "help")) {
        print_cmd_help(stdout, find_command("serve"));
        return finish_stdout();
    }
    if (!npos) return usage_error("serve", "expected one or more MODEL files (NAME=FILE names one)");
    memset(&s, 0, sizeof s);
    s.max_body = (size_t)16 << 20, s.max_head = 16384, s.max_rows = 10000, s.max_conns = 256, s.timeout = 10, s.idle = 60;
    s.quiet = OPT(S, val, "quiet") != NULL, s.keep = OPT(S, val, "keep"), s.nmodels = npos;
    if ((o = OPT(S, val, "workers")) && (parse_size(o, NN_MAX_THREADS, &v) || v < 1))
        return usage_error("serve", "--workers '%s': expected a whole number from 1 to %d", o, NN_MAX_THREADS);
    if (o) s.nw = (int)v;
    else if (threads_option("serve", NULL, &s.nw)) return 2;
    if ((o = OPT(S, val, "max-body")) && size_option(o, (size_t)1 << 32, &s.max_body))
        return usage_error("serve", "--max-body '%s': expected a size from 1 byte to 4G, e.g. 16M", o);
    if ((o = OPT(S, val, "max-rows")) && (parse_size(o, 100000000, &s.max_rows) || !s.max_rows))
        return usage_error("serve", "--max-rows '%s': expected a whole number from 1", o);
    if ((o = OPT(S, val, "max-conns")) && (parse_size(o, 65536, &s.max_conns) || !s.max_conns))
        return usage_error("serve", "--max-conns '%s': expected a whole number from 1 to 65536", o);
    if ((o = OPT(S, val, "timeout")) && seconds_option(o, &s.timeout))
        return usage_error("serve", "--timeout '%s': expected seconds above 0 (at most 86400)", o);
    if ((o = OPT(S, val, "idle")) && seconds_option(o, &s.idle))
        return usage_error("serve", "--idle '%s': expected seconds above 0 (at most 86400)", o);
    if (s.keep && !*s.keep) return usage_error("serve", "--keep '': expected column names, separated by commas");
    for (const char *k = s.keep, *ke; k && *k; k = *ke ? ke + 1 : ke) { /* names, each once */
        size_t kl = strcspn(k, ",");
        ke = k + kl;
        if (!kl) return usage_error("serve", "--keep '%s': an empty column name", s.keep);
        for (const char *k2 = ke; *k2; k2 += strcspn(k2 + 1, ",") + 1)
            if (strcspn(k2 + 1, ",") == kl && !memcmp(k2 + 1, k, kl)) return usage_error("serve", "--keep '%s': '%.*s' twice", s.keep, (int)kl, k);
    }
    s.batch = 32;
    if ((o = OPT(S, val, "batch")) && (parse_size(o, NN_SERVE_BATCH, &v) || v < 1))
        return usage_error("serve", "--batch '%s': expected a whole number from 1 to %d", o, NN_SERVE_BATCH);
    if (o) s.batch = (int)v;
    for (int i = 0; i < npos; i++) { /* NAME=FILE, or FILE named by its base name without extension */
        const char *eq = strchr(pos[i], '='), *base, *dot;
        size_t nl;
        if (eq && eq > pos[i]) {
            base = pos[i], nl = (size_t)(eq - pos[i]), s.paths[i] = eq + 1;
            if (!eq[1]) return usage_error("serve", "'%s': expected NAME=FILE, a file after the '='", pos[i]);
        } else {
            base = strrchr(pos[i], '/') ? strrchr(pos[i], '/') + 1 : pos[i], s.paths[i] = pos[i];
            dot = strrchr(base, '.'), nl = dot && dot > base ? (size_t)(dot - base) : strlen(base);
        }
        if (!nl || nl >= NN_NAME_MAX) return usage_error("serve", "'%s': a model's name has 1 to %d characters", pos[i], NN_NAME_MAX - 1);
        for (size_t k = 0; k < nl; k++)
            if (!((base[k] >= 'a' && base[k] <= 'z') || (base[k] >= 'A' && base[k] <= 'Z') || (base[k] >= '0' && base[k] <= '9') || strchr("._-", base[k])))
                return usage_error("serve", "'%s': a model's name is letters, digits, '.', '_' and '-' (give NAME=FILE)", pos[i]);
        memcpy(names[i], base, nl), names[i][nl] = 0, s.names[i] = names[i];
        for (int k = 0; k < i; k++)
            if (!strcmp(names[k], names[i])) return usage_error("serve", "two models named '%s' (give NAME=FILE)", names[i]);
    }
    if (!(s.set = set_load(&s, &err))) {
        report(&err);
        return 1;
    }
    if ((lfd = serve_listen(OPT(S, val, "listen") ? OPT(S, val, "listen") : "127.0.0.1:8080", bound, sizeof bound, &err)) < 0) {
        set_put(s.set);
        report(&err);
        return 1;
    }
    if (pipe(s.wake)) {
        set_put(s.set), close(lfd);
        say("cannot make a pipe: %s", strerror(errno));
        return 1;
    }
    fcntl(s.wake[0], F_SETFL, fcntl(s.wake[0], F_GETFL) | O_NONBLOCK), fcntl(s.wake[1], F_SETFL, fcntl(s.wake[1], F_GETFL) | O_NONBLOCK);
    pthread_mutex_init(&s.setmu, NULL), pthread_mutex_init(&s.mu, NULL), pthread_cond_init(&s.cv, NULL);
    /* the signals go to the loop's thread: the workers block them */
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = serve_signal, sigemptyset(&sa.sa_mask); /* (no SA_RESTART: poll returns at once) */
    sigaction(SIGINT, NULL, &oint), sigaction(SIGTERM, NULL, &oterm), sigaction(SIGHUP, &sa, &ohup);
    if (oint.sa_handler != SIG_IGN) sigaction(SIGINT, &sa, NULL); /* (an ignored one stays ignored) */
    if (oterm.sa_handler != SIG_IGN) sigaction(SIGTERM, &sa, NULL);
    sa.sa_handler = SIG_IGN, sigaction(SIGPIPE, &sa, &opipe);
    sigemptyset(&block), sigaddset(&block, SIGINT), sigaddset(&block, SIGTERM), sigaddset(&block, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &block, &old);
    if (!(w = calloc((size_t)s.nw, sizeof *w))) {
        say("out of memory");
        return 1;
    }
    for (int i = 0; i < s.nw; i++) {
        w[i].s = &s, w[i].id = i;
        if (!(w[i].pl = pool_new(1)) || pthread_create(&w[i].th, NULL, serve_worker, &w[i])) {
            say("cannot start worker thread %d", i + 1);
            return 1;
        }
    }
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    {
        char list[512] = "";
        for (int i = 0; i < s.nmodels; i++)
            snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", i ? ", " : "", s.names[i]);
        say("serving on %s: %s (%d worker%s)", bound, list, s.nw, plural((size_t)s.nw));
        if (strncmp(bound, "127.", 4) && strncmp(bound, "[::1]", 5))
            say("warning: %s is reachable from other machines; nn serve has no authentication", bound);
    }
    serve_loop(&s, lfd);
    pthread_mutex_lock(&s.mu);
    s.quit = 1;
    pthread_cond_broadcast(&s.cv);
    pthread_mutex_unlock(&s.mu);
    for (int i = 0; i < s.nw; i++) pthread_join(w[i].th, NULL), pool_free(w[i].pl);
    free(w);
    set_put(s.set);
    close(s.wake[0]), close(s.wake[1]);
    pthread_mutex_destroy(&s.setmu), pthread_mutex_destroy(&s.mu), pthread_cond_destroy(&s.cv);
    sigaction(SIGINT, &oint, NULL), sigaction(SIGTERM, &oterm, NULL), sigaction(SIGHUP, &ohup, NULL), sigaction(SIGPIPE, &opipe, NULL);
    say("stopped");
    return 0;
}

/* ======================================================================== */
/* @@main main                                                             */
/* ======================================================================== */

int main(int argc, char **argv)
{
    const char *cmd = argc > 1 ? argv[1] : NULL;
    /* a write past a file-size limit fails with EFBIG and is reported,
     * rather than killing nn half-way through a save */
    signal(SIGXFSZ, SIG_IGN);
    NN_FLUSH_SUBNORMALS();
    if (!cmd || !strcmp(cmd, "help") || !strcmp(cmd, "--help") || !strcmp(cmd, "-h")) {
        if (cmd && !strcmp(cmd, "help") && argc > 2 && strcmp(argv[2], "--help") && strcmp(argv[2], "-h")) {
            const CmdSpec *c = find_command(argv[2]);
            if (c) {
                print_cmd_help(stdout, c);
                return finish_stdout();
            }
            return usage_error(NULL, "unknown command '%s'", argv[2]);
        }
        print_help(cmd ? stdout : stderr);
        return cmd ? finish_stdout() : 2;
    }
    if (!strcmp(cmd, "--version")) {
        printf("nn %s (%s kernels, model format %u)\n", NN_VERSION, NN_SIMD, MODEL_VERSION);
        return finish_stdout();
    }
    if (find_command(cmd)) return find_command(cmd)->run(argc - 2, argv + 2);
    {
        const char *best = NULL;
        size_t bd = SIZE_MAX;
        for (const CmdSpec *c = commands; c->name; c++)
            if (edit_distance(cmd, c->name) < bd) bd = edit_distance(cmd, c->name), best = c->name;
        if (bd <= NN_SUGGEST_COMMAND) {
            fprintf(stderr, "%s: unknown command '%s'; did you mean '%s'?\n", progname, cmd, best);
            return 2;
        }
    }
    return usage_error(NULL, "unknown command '%s'", cmd);
}

#endif /* NN_NO_MAIN */
