/* Unit tests for nn.c: the maths (gradient check against central
 * differences in double precision), the kernels (fast against reference),
 * thread-count independence, parsers, the model file and the loaders.
 *
 * Built by `make test` several ways: with the machine's SIMD kernels, with
 * AVX2 kernels, with plain C, under ASan+UBSan, and with each NN_FAULT
 * (where it must FAIL: that shows the gradient check catches the fault).
 * Prints one line per failed check and a final "unit: N passed, N failed". */
/* Segments of 3 mini-batches, the other way tried every 2nd, even on a
 * quiet machine: training switches between all threads and thread 0 alone
 * many times per epoch, and test_thread_determinism checks that the model
 * does not depend on it. */
#define NN_SEG 3
#define NN_EXPLORE 2
#define NN_QUIET 2.0
#define NN_NO_MAIN
#include "../nn.c"

static int passed, failed;
static const InputMap unit_map = {1.0f, NULL, NULL}; /* inputs as they are */

#define CHECK(cond, ...)                                                                                              \
    do {                                                                                                              \
        if (cond) passed++;                                                                                           \
        else {                                                                                                        \
            failed++;                                                                                                 \
            printf("FAIL %s:%d: ", __FILE__, __LINE__);                                                               \
            printf(__VA_ARGS__);                                                                                      \
            printf("\n");                                                                                             \
        }                                                                                                             \
    } while (0)

/* A small in-memory data set of n rows of d uniform features in [0, 1)
 * with labels below k. */
typedef struct {
    Data d;
    float *x;
    int32_t *y;
} TestData;

static void make_data(TestData *t, size_t n, size_t d, size_t k, uint64_t seed)
{
    Rng r;
    rng_seed(&r, seed);
    memset(t, 0, sizeof *t);
    t->x = calloc(n * d, sizeof(float));
    t->y = calloc(n, sizeof(int32_t));
    for (size_t i = 0; i < n * d; i++) t->x[i] = (float)rng_uniform(&r);
    for (size_t i = 0; i < n; i++) t->y[i] = (int32_t)rng_below(&r, k);
    t->d.n = n, t->d.d = d, t->d.xf = t->x, t->d.y = t->y, t->d.nclass = k, t->d.maxabs = 1;
    snprintf(t->d.name, sizeof t->d.name, "test");
}

static void free_data(TestData *t) { free(t->x), free(t->y); }

static void make_net(Net *N, const char *spec, int cost, uint64_t seed, double scale)
{
    Err err;
    Rng r;
    if (parse_layers(spec, N, &err) || net_alloc(N, &err)) {
        printf("FAIL cannot build %s: %s\n", spec, err.msg);
        exit(1);
    }
    N->cost = cost;
    rng_seed(&r, seed);
    net_init(N, INIT_NORMAL, &r);
    for (size_t i = 0; i < N->nparam; i++) N->param[i] = (float)(N->param[i] * scale);
}

/* ---- reference cost in double precision ---------------------------------- */

/* Summed cost of rows 0..m-1 with parameters P (same layout as N->param),
 * with inverted dropout p on hidden layers using nn's masks for `step`.
 * With ref_unit >= 0: instead the summed weighted input z of that output
 * unit (a class's score, as nn explain's saliency differentiates). */
static long ref_unit = -1;

static double ref_cost(const Net *N, const double *P, const Data *d, size_t m, float p, uint64_t key, uint64_t step)
{
    static double a[2][8][4096]; /* (layer by layer, every row: batch normalisation ties the rows together) */
    double total = 0;
    int L = N->nl - 1, cur = 0;
    if (m > 8) {
        printf("FAIL ref_cost: at most 8 rows\n");
        exit(1);
    }
    for (size_t b = 0; b < m; b++)
        for (size_t i = 0; i < d->d; i++) a[0][b][i] = d->xf[b * d->d + i];
    for (int l = 1; l <= L; l++, cur = !cur) {
        const Layer *ly = &N->layer[l];
        const double *W = P + ly->woff, *B = P + ly->boff;
        if (ly->kind == LAYER_BN) { /* each channel over the rows and pixels: its mean and biased variance */
            size_t C = ly->ic, np = ly->oh * ly->ow;
            for (size_t c = 0; c < C; c++) {
                double mu = 0, var = 0, n = (double)(m * np);
                for (size_t b = 0; b < m; b++)
                    for (size_t i = 0; i < np; i++) mu += a[cur][b][i * C + c] / n;
                for (size_t b = 0; b < m; b++)
                    for (size_t i = 0; i < np; i++) var += (a[cur][b][i * C + c] - mu) * (a[cur][b][i * C + c] - mu) / n;
                for (size_t b = 0; b < m; b++)
                    for (size_t i = 0; i < np; i++)
                        a[!cur][b][i * C + c] = acts[ly->act].ref(W[c * ly->ldw] * (a[cur][b][i * C + c] - mu) / sqrt(var + (double)ly->eps) + B[c]);
            }
            continue;
        }
        for (size_t b = 0; b < m; b++) {
            double *ai = a[cur][b], *ao = a[!cur][b], mx = -1e300, sum = 0;
            if (ly->kind == LAYER_CONV) { /* written out here, channel-last: a[(y * w + x) * c + ch] */
                for (size_t oy = 0; oy < ly->oh; oy++)
                    for (size_t ox = 0; ox < ly->ow; ox++)
                        for (size_t o = 0; o < ly->oc; o++) {
                            double z = B[o];
                            for (size_t dy = 0; dy < ly->k; dy++)
                                for (size_t dx = 0; dx < ly->k; dx++) {
                                    long y = (long)(oy + dy) - (long)ly->pad, x = (long)(ox + dx) - (long)ly->pad;
                                    if (y < 0 || x < 0 || y >= (long)ly->ih || x >= (long)ly->iw) continue;
                                    for (size_t c = 0; c < ly->ic; c++)
                                        z += W[o * ly->ldw + (dy * ly->k + dx) * ly->ic + c] * ai[((size_t)y * ly->iw + (size_t)x) * ly->ic + c];
                                }
                            ao[(oy * ly->ow + ox) * ly->oc + o] = acts[ly->act].ref(z);
                        }
                continue;
            }
            if (ly->kind == LAYER_PLE) { /* each input's bins: min(max((x - lo) inv, lower), upper), the state's four arrays */
                const float *S = N->param + ly->soff;
                size_t n = ly->nout;
                for (size_t j = 0; j < n; j++) {
                    double v = (ai[j / (ly->k + ly->pad)] - (double)S[j]) * (double)S[n + j];
                    v = v < (double)S[2 * n + j] ? (double)S[2 * n + j] : v;
                    ao[j] = v > (double)S[3 * n + j] ? (double)S[3 * n + j] : v;
                }
                continue;
            }
            if (ly->kind == LAYER_MAXPOOL || ly->kind == LAYER_AVGPOOL) {
                for (size_t oy = 0; oy < ly->oh; oy++)
                    for (size_t ox = 0; ox < ly->ow; ox++)
                        for (size_t c = 0; c < ly->ic; c++) {
                            double v = ly->kind == LAYER_MAXPOOL ? -1e300 : 0;
                            for (size_t dy = 0; dy < ly->k; dy++)
                                for (size_t dx = 0; dx < ly->k; dx++) {
                                    double q = ai[((oy * ly->k + dy) * ly->iw + ox * ly->k + dx) * ly->ic + c];
                                    v = ly->kind == LAYER_MAXPOOL ? (q > v ? q : v) : v + q / (double)(ly->k * ly->k);
                                }
                            ao[(oy * ly->ow + ox) * ly->oc + c] = v;
                        }
                continue;
            }
            for (size_t j = 0; j < N->size[l]; j++) {
                double z = B[j];
                for (size_t i = 0; i < N->size[l - 1]; i++) z += W[j * N->ld[l - 1] + i] * ai[i];
                ao[j] = N->layer[l].act == ACT_SOFTMAX ? z : acts[N->layer[l].act].ref(z); /* nn's table: double-precision f */
                if (l == L && (long)j == ref_unit) total += z;
                if (z > mx) mx = z;
            }
            if (N->layer[l].act == ACT_SOFTMAX) {
                for (size_t j = 0; j < N->size[l]; j++) sum += exp(ao[j] - mx);
                for (size_t j = 0; j < N->size[l]; j++) ao[j] = exp(ao[j] - mx) / sum;
            }
            if (l < L && p > 0)
                for (size_t j = 0; j < N->size[l]; j++) ao[j] *= dropout_scale(key, step, b, j, p);
        }
    }
    for (size_t b = 0; b < m; b++) {
        for (size_t k = 0; k < N->size[L] && ref_unit < 0; k++) {
            int hit = d->y && (N->size[L] == 1 ? d->y[b] == 1 : (int32_t)k == d->y[b]);
            double t = hit, av = a[cur][b][k];
            if (N->task == TASK_REGRESS) { /* the target, standardised as the model's map says */
                double z = ((double)d->t[b * d->nt + k] - d->tm->mean[k]) / d->tm->sd[k];
                total += 0.5 * (av - z) * (av - z);
                continue;
            }
            if (N->cost == COST_LOGLIK) total += hit ? -log(av) : 0;
            else if (N->cost == COST_CROSS_ENTROPY) total += -(t * log(av) + (1 - t) * log(1 - av));
            else total += 0.5 * (av - t) * (av - t);
        }
    }
    return total;
}

/* The summed gradient of rows 0..m-1 from backprop, on nt threads, with
 * dropout p (step 1, key 99). */
static double backprop_grad(Net *N, const Data *d, size_t m, int nt, float p, float *G)
{
    double cost;
    Trainer T;
    Err err;
    Pool *pl = pool_new(nt);
    size_t *rows = calloc(m, sizeof(size_t));
    for (size_t i = 0; i < m; i++) rows[i] = i;
    if (trainer_init(&T, N, m, pl->nt, &pl->bar, OPT_SGD, p, &err)) {
        printf("FAIL trainer_init: %s\n", err.msg);
        exit(1);
    }
    T.data = d, T.order = rows, T.count = m, T.in = &unit_map, T.eta = 1, T.grad = G, T.key = 99;
    trainer_sync(&T);
    pool_run(pl, train_epoch_job, &T);
    cost = T.cost_sum;
    trainer_free(&T);
    pool_free(pl);
    free(rows);
    return cost;
}

/* Compare backprop with central differences for every real weight and bias.
 * Returns the number of mismatches. */
static int tied_data; /* gradcheck: every feature of a row the same value, so that pooled windows tie */

static int gradcheck(const char *spec, int cost_id, size_t m, int nt, float p)
{
    Net N;
    TestData t;
    double *P, maxg = 0, cost, ref;
    float *G, tv[64], tmean[8] = {3, -1, 0.5f, 2, 0, 1, 7, -4}, tsd[8] = {2, 0.5f, 1, 3, 1.5f, 1, 4, 0.25f};
    TargetMap tm = {0, tmean, tsd};
    int bad = 0;
    make_net(&N, spec, cost_id, 7, 0.7);
    make_data(&t, m, N.size[0], net_classes(&N), 11);
    if (tied_data)
        for (size_t i = 0; i < m * N.size[0]; i++) t.x[i] = 0.2f * (float)(i / N.size[0] + 1);
    { /* a piecewise-linear encoding's bins, on other rows: these rows' values would sit on its edges, its kinks */
        TestData f;
        make_data(&f, 40, N.size[0], net_classes(&N), 17);
        net_fit(&N, &unit_map, &f.d);
        free_data(&f);
    }
    if (cost_id == 0) { /* regression: targets around their map's mean, in the data's units */
        N.task = TASK_REGRESS, N.cost = COST_QUADRATIC, tm.n = (uint32_t)N.size[N.nl - 1];
        for (size_t i = 0; i < m * tm.n && i < 64; i++) tv[i] = tmean[i % tm.n] + tsd[i % tm.n] * (float)((double)(i * 7 % 11) / 5.0 - 1.0);
        t.d.y = NULL, t.d.nclass = 0, t.d.t = tv, t.d.nt = tm.n, t.d.tm = &tm;
    }
    G = alloc_floats(N.nparam);
    cost = backprop_grad(&N, &t.d, m, nt, p, G);
    P = calloc(N.nparam, sizeof(double));
    for (size_t i = 0; i < N.nparam; i++) P[i] = N.param[i];
    ref = ref_cost(&N, P, &t.d, m, p, 99, 1); /* the cost nn reports, against the reference in double */
    if (!(fabs(cost - ref) <= 1e-5 + 1e-4 * fabs(ref))) {
        printf("  %s %s dropout %g: cost %.9g, reference %.9g\n", spec, cost_name(cost_id), (double)p, cost, ref);
        bad++;
    }
    for (int l = 1; l < N.nl; l++) {
        const Layer *ly = &N.layer[l];
        for (size_t j = 0; j < ly->wrows; j++)
            for (size_t i = 0; i <= ly->wcols; i++) { /* i == wcols: the bias */
                size_t k = i < ly->wcols ? ly->woff + j * ly->ldw + i : ly->boff + j;
                double h = 1e-5, save = P[k], cp, cm, fd;
                P[k] = save + h, cp = ref_cost(&N, P, &t.d, m, p, 99, 1);
                P[k] = save - h, cm = ref_cost(&N, P, &t.d, m, p, 99, 1);
                P[k] = save;
                fd = (cp - cm) / (2 * h);
                if (fabs(fd) > maxg) maxg = fabs(fd);
                if (fabs(fd - G[k]) > 2e-4 + 2e-3 * fabs(fd)) {
                    if (bad < 3)
                        printf("  %s %s dropout %g layer %d neuron %zu %s %zu: backprop %.8g, central difference %.8g\n",
                               spec, cost_name(cost_id), (double)p, l, j, i < ly->wcols ? "input" : "bias", i,
                               (double)G[k], fd);
                    bad++;
                }
            }
    }
    if (maxg < 1e-3) { /* a check on an all-zero gradient proves nothing */
        printf("  %s: gradient too small to check (max %g)\n", spec, maxg);
        bad++;
    }
    free(P), free(G), free(N.param), free_data(&t);
    return bad;
}

static void test_gradients(void)
{
    /* every activation, every allowed cost, one to three hidden layers */
    static const struct { const char *spec; int cost; } cases[] = {
        {"5-4-3", COST_QUADRATIC}, {"5-4-3", COST_CROSS_ENTROPY}, {"4-6-5-3", COST_QUADRATIC},
        {"3-2", COST_CROSS_ENTROPY}, {"6-3-1", COST_QUADRATIC}, {"7-20-18-9-4", COST_CROSS_ENTROPY},
        {"5-6tanh-3", COST_QUADRATIC}, {"5-6relu-3", COST_CROSS_ENTROPY}, {"5-6leaky-4tanh", COST_QUADRATIC},
        {"5-6relu-3linear", COST_QUADRATIC}, {"5-6relu-4softmax", COST_LOGLIK}, {"5-7tanh-6leaky-4softmax", COST_LOGLIK},
        {"6-5sigmoid-3softmax", COST_LOGLIK}, {"4-3softmax", COST_LOGLIK}, {"5-8relu-5relu-6relu-17softmax", COST_LOGLIK},
    };
    for (size_t s = 0; s < sizeof cases / sizeof *cases; s++)
        for (int nt = 1; nt <= 3; nt += 2) {
            int bad = gradcheck(cases[s].spec, cases[s].cost, 5, nt, 0);
            CHECK(bad == 0, "gradient check %s %s threads %d: %d mismatches", cases[s].spec, cost_name(cases[s].cost), nt, bad);
        }
    /* regression (cost 0 here): the quadratic cost on standardised targets, linear and bounded outputs */
    {
        static const char *const reg[] = {"5-6relu-1linear", "4-7tanh-3linear", "5-6leaky-5relu-2tanh", "3-4-2sigmoid"};
        for (size_t s = 0; s < sizeof reg / sizeof *reg; s++)
            for (int nt = 1; nt <= 3; nt += 2) {
                int bad = gradcheck(reg[s], 0, 5, nt, 0);
                CHECK(bad == 0, "gradient check %s regression threads %d: %d mismatches", reg[s], nt, bad);
            }
        CHECK(gradcheck("5-9relu-7tanh-2linear", 0, 6, 3, 0.4f) == 0, "gradient check, regression with dropout, 3 threads");
    }
    /* a piecewise-linear encoding of the inputs, and one of a hidden layer's outputs */
    {
        static const struct { const char *spec; int cost; } ple[] = {
            {"3-ple4-5relu-1linear", 0}, {"4-ple8-6relu-3softmax", COST_LOGLIK}, {"3-ple2-4tanh-ple3-2sigmoid", COST_CROSS_ENTROPY},
            {"3-ple4v-5relu-1linear", 0}, {"4-ple3v-6tanh-ple2v-3softmax", COST_LOGLIK},
        };
        for (size_t s = 0; s < sizeof ple / sizeof *ple; s++)
            for (int nt = 1; nt <= 3; nt += 2) {
                int bad = gradcheck(ple[s].spec, ple[s].cost, 7, nt, 0);
                CHECK(bad == 0, "gradient check %s %s threads %d: %d mismatches", ple[s].spec, ple[s].cost ? cost_name(ple[s].cost) : "regression", nt, bad);
            }
    }
    /* convolutions (with and without padding) and pools, each with the dense layer types after them */
    {
        static const struct { const char *spec; int cost; } conv[] = {
            {"1x6x6-3c3-4softmax", COST_LOGLIK}, {"1x6x6-3c3p1-mp2-5relu-4softmax", COST_LOGLIK},
            {"2x6x5-4c2-7tanh-3sigmoid", COST_QUADRATIC}, {"1x8x8-2c3p2tanh-mp2-3c2sigmoid-ap2-6leaky-3sigmoid", COST_CROSS_ENTROPY},
            {"2x4x4-ap2-3c2p1-2linear", 0}, {"1x7x7-4c4relu-mp2-3c1p0leaky-4relu-5softmax", COST_LOGLIK},
            {"3x5x5-2c3p1-ap5-2sigmoid", COST_CROSS_ENTROPY}, {"1x6x6-mp3-2c2-3tanh-2softmax", COST_LOGLIK},
        };
        for (size_t s = 0; s < sizeof conv / sizeof *conv; s++)
            for (int nt = 1; nt <= 3; nt += 2) {
                int bad = gradcheck(conv[s].spec, conv[s].cost, 5, nt, 0);
                CHECK(bad == 0, "gradient check %s %s threads %d: %d mismatches", conv[s].spec, conv[s].cost ? cost_name(conv[s].cost) : "regression", nt, bad);
            }
        CHECK(gradcheck("1x6x6-3c3p1-mp2-9relu-7tanh-4softmax", COST_LOGLIK, 6, 3, 0.4f) == 0, "gradient check, convolution and dropout, 3 threads");
        /* ties: on a constant image every output of an unpadded convolution is the same, so each 2x2 window of
         * the max pool is a four-way tie; the gradient must reach the convolution once per window (the first),
         * or the check fails (none: too small; all four: four times too large) */
        tied_data = 1;
        CHECK(gradcheck("1x5x5-2c2tanh-mp2-3softmax", COST_LOGLIK, 4, 1, 0) == 0, "gradient check, max pooling of tied values");
        CHECK(gradcheck("1x5x5-2c2tanh-mp2-3softmax", COST_LOGLIK, 4, 3, 0) == 0, "gradient check, max pooling of tied values, 3 threads");
        CHECK(gradcheck("1x5x5-2c2-mp2-3softmax", COST_LOGLIK, 4, 3, 0) == 0, "gradient check, max pooling of tied ReLU values, 3 threads");
        tied_data = 0;
    }
    /* batch normalisation: the mini-batch's statistics (the reference computes them too), after dense layers and
     * convolutions, with the activations it takes over, every cost; 1 and 3 threads */
    {
        static const struct { const char *spec; int cost; } bn[] = {
            {"5-9-bn-4softmax", COST_LOGLIK}, {"4-7-bntanh-6-bn-3", COST_QUADRATIC}, {"5-8-bn-3sigmoid", COST_CROSS_ENTROPY},
            {"5-8relu-bn-2linear", 0}, {"1x6x6-3c3p1-bn-mp2-7-bn-4softmax", COST_LOGLIK}, {"2x5x5-3c2-bnleaky-ap2-5tanh-3sigmoid", COST_QUADRATIC},
            {"3-bn-5-bn-2softmax", COST_LOGLIK},
        };
        for (size_t s = 0; s < sizeof bn / sizeof *bn; s++)
            for (int nt = 1; nt <= 3; nt += 2) {
                int bad = gradcheck(bn[s].spec, bn[s].cost, 6, nt, 0);
                CHECK(bad == 0, "gradient check %s %s threads %d: %d mismatches", bn[s].spec, bn[s].cost ? cost_name(bn[s].cost) : "regression", nt, bad);
            }
        CHECK(gradcheck("5-9-bn-7tanh-4softmax", COST_LOGLIK, 6, 3, 0.4f) == 0, "gradient check, batch normalisation and dropout, 3 threads");
    }
    /* dropout: the check uses nn's masks, so it fails if dropout is not applied consistently */
    CHECK(gradcheck("5-9relu-7tanh-4softmax", COST_LOGLIK, 6, 1, 0.4f) == 0, "gradient check with dropout");
    CHECK(gradcheck("5-9relu-7tanh-4softmax", COST_LOGLIK, 6, 3, 0.4f) == 0, "gradient check with dropout, 3 threads");
}

/* One step of each optimiser against the update rule written out here,
 * from the gradient nn computes: fails if L2, momentum or Adam's moments
 * were ignored. */
static void test_optimizers(void)
{
    static const int opts[] = {OPT_SGD, OPT_MOMENTUM, OPT_NESTEROV, OPT_ADAM};
    for (size_t k = 0; k < sizeof opts / sizeof *opts; k++) {
        Net N;
        TestData t;
        Trainer T;
        Err err;
        Pool *pl = pool_new(2);
        size_t rows[8], m = 8;
        float *G = alloc_floats(1), *w0, *v, *s2;
        double worst = 0;
        make_net(&N, "6-5relu-4softmax", COST_LOGLIK, 3, 0.5);
        make_data(&t, m, 6, 4, 5);
        free(G);
        G = alloc_floats(N.nparam);
        backprop_grad(&N, &t.d, m, 1, 0, G);
        w0 = malloc(N.nparam * sizeof(float)), v = calloc(N.nparam, sizeof(float)), s2 = calloc(N.nparam, sizeof(float));
        memcpy(w0, N.param, N.nparam * sizeof(float));
        for (size_t i = 0; i < m; i++) rows[i] = i;
        trainer_init(&T, &N, m, pl->nt, &pl->bar, opts[k], 0, &err);
        T.data = &t.d, T.order = rows, T.count = m, T.in = &unit_map, T.eta = 0.05f, T.momentum = 0.9f, T.beta1 = 0.9f;
        T.beta2 = 0.999f, T.epsilon = 1e-8f, T.lambda_n = 0.01f;
        trainer_sync(&T);
        for (int it = 0; it < 2; it++) { /* two steps, so state carries over */
            if (it) { /* the gradient at the new point */
                memcpy(w0, N.param, N.nparam * sizeof(float));
                backprop_grad(&N, &t.d, m, 1, 0, G);
            }
            T.step0 = (uint64_t)it;
            pool_run(pl, train_epoch_job, &T);
            for (int l = 1; l < N.nl; l++)
                for (size_t j = 0; j < N.size[l]; j++)
                    for (size_t i = 0; i <= N.size[l - 1]; i++) {
                        size_t q = i < N.size[l - 1] ? N.layer[l].woff + j * N.ld[l - 1] + i : N.layer[l].boff + j;
                        double l2 = i < N.size[l - 1] ? 0.01 : 0, g = G[q] / (double)m + l2 * w0[q], want;
                        if (opts[k] == OPT_SGD) want = w0[q] - 0.05 * g;
                        else if (opts[k] == OPT_ADAM) {
                            double t1 = it + 1;
                            v[q] = (float)(0.9 * v[q] + 0.1 * g), s2[q] = (float)(0.999 * s2[q] + 0.001 * g * g);
                            want = w0[q] - 0.05 * (v[q] / (1 - pow(0.9, t1))) / (sqrt(s2[q] / (1 - pow(0.999, t1))) + 1e-8);
                        } else {
                            v[q] = (float)(0.9 * v[q] + g);
                            want = w0[q] - 0.05 * (opts[k] == OPT_NESTEROV ? g + 0.9 * v[q] : v[q]);
                        }
                        if (fabs(want - N.param[q]) > worst) worst = fabs(want - N.param[q]);
                    }
        }
        CHECK(worst < 2e-5, "optimizer %s: step differs from the rule by %g", opt_names[opts[k]], worst);
        trainer_free(&T), pool_free(pl), free_data(&t), free(N.param), free(G), free(w0), free(v), free(s2);
    }
}

/* ---- kernels ------------------------------------------------------------ */

static void fill(float *p, size_t n, Rng *r)
{
    for (size_t i = 0; i < n; i++) p[i] = (float)(rng_uniform(r) * 2 - 1);
}

/* Fast kernels against the reference ones, and split ranges against whole
 * ones (bit for bit: that is what makes results thread-count independent). */
static void test_kernels(void)
{
    Rng r;
    int bad_fwd = 0, bad_upd = 0, bad_bp = 0, bad_split = 0;
    rng_seed(&r, 3);
    for (int trial = 0; trial < 60; trial++) {
        size_t m = 1 + rng_below(&r, 37), nin = 1 + rng_below(&r, 70), nout = 1 + rng_below(&r, 45);
        if (trial % 12 == 11) /* wide rows, more rows than a block: the SIMD k_forward's column blocks (FWD_BCOLS 1024, FWD_BROWS 64) */
            m = 61 + rng_below(&r, 128), nin = 984 + rng_below(&r, 2048), nout = 1 + rng_below(&r, 20);
        size_t n = round_up(nin, NN_PAD), ldo = round_up(nout, NN_PAD);
        float *X = alloc_floats(m * n), *W = alloc_floats(nout * n), *B = alloc_floats(ldo);
        float *Z1 = alloc_floats(m * ldo), *Z2 = alloc_floats(m * ldo), *Z3 = alloc_floats(m * ldo), *Z4 = alloc_floats(ldo);
        float *D = alloc_floats(m * ldo), *W1 = alloc_floats(nout * n), *W2 = alloc_floats(nout * n);
        float *P1 = alloc_floats(m * n), *P2 = alloc_floats(m * n), *B1 = alloc_floats(ldo), *B2 = alloc_floats(ldo);
        size_t cut = rng_below(&r, nout + 1), ccut = round_up(rng_below(&r, n + 1), NN_PAD);
        for (size_t b = 0; b < m; b++) fill(X + b * n, nin, &r);
        for (size_t j = 0; j < nout; j++) fill(W + j * n, nin, &r);
        fill(B, nout, &r);
        for (size_t b = 0; b < m; b++) fill(D + b * ldo, nout, &r);
        /* forward */
        k_forward_ref(X, m, W, B, n, 0, nout, Z1, ldo);
        k_forward(X, m, W, B, n, 0, nout, Z2, ldo);
        k_forward(X, m, W, B, n, 0, cut, Z3, ldo);
        k_forward(X, m, W, B, n, cut, nout, Z3, ldo);
        for (size_t b = 0; b < m; b++)
            for (size_t j = 0; j < nout; j++) {
                double mag = fabs(B[j]);
                for (size_t i = 0; i < nin; i++) mag += fabs(W[j * n + i] * X[b * n + i]);
                bad_fwd += fabs(Z1[b * ldo + j] - Z2[b * ldo + j]) > 1e-5 * mag + 1e-30;
                bad_split += memcmp(&Z2[b * ldo + j], &Z3[b * ldo + j], sizeof(float)) != 0;
                k_forward(X + b * n, 1, W, B, n, j, j + 1, Z4, ldo); /* (a 1 x 1 tile: the same bits as any tile's) */
                bad_split += memcmp(&Z2[b * ldo + j], &Z4[j], sizeof(float)) != 0;
            }
        /* update: SGD step, whole and split by rows and by columns */
        memcpy(W1, W, nout * n * sizeof(float)), memcpy(W2, W, nout * n * sizeof(float));
        memcpy(B1, B, ldo * sizeof(float)), memcpy(B2, B, ldo * sizeof(float));
        k_update_ref(D, ldo, m, X, n, 0, n, 0.3f, 0.99f, W1, B1, 0, nout, NULL, NULL);
        k_update(D, ldo, m, X, n, 0, n, 0.3f, 0.99f, W2, B2, 0, cut, NULL, NULL);
        k_update(D, ldo, m, X, n, 0, ccut, 0.3f, 0.99f, W2, NULL, cut, nout, NULL, NULL);
        k_update(D, ldo, m, X, n, ccut, n, 0.3f, 0.99f, W2, B2, cut, nout, NULL, NULL);
        { /* the split update gives the whole one's bits, whatever its tiles */
            float *W3 = alloc_floats(nout * n), *B3 = alloc_floats(ldo);
            memcpy(W3, W, nout * n * sizeof(float)), memcpy(B3, B, ldo * sizeof(float));
            k_update(D, ldo, m, X, n, 0, n, 0.3f, 0.99f, W3, B3, 0, nout, NULL, NULL);
            bad_split += memcmp(W2, W3, nout * n * sizeof(float)) != 0 || memcmp(B2, B3, nout * sizeof(float)) != 0;
            free(W3), free(B3);
        }
        for (size_t j = 0; j < nout; j++) {
            for (size_t i = 0; i < n; i++) {
                double mag = fabs(W[j * n + i]);
                for (size_t b = 0; b < m; b++) mag += 0.3 * fabs(D[b * ldo + j] * X[b * n + i]);
                bad_upd += fabs(W1[j * n + i] - W2[j * n + i]) > 1e-5 * mag + 1e-30;
                bad_upd += i >= nin && W2[j * n + i] != 0; /* padding stays zero */
            }
            bad_upd += fabsf(B1[j] - B2[j]) > 1e-5f * (fabsf(B[j]) + 10);
        }
        /* backprop, whole and split by columns */
        k_backprop_ref(D, ldo, m, W, n, nout, 0, n, P1);
        k_backprop(D, ldo, m, W, n, nout, 0, ccut, P2);
        k_backprop(D, ldo, m, W, n, nout, ccut, n, P2);
        { /* split by columns: the whole one's bits */
            float *P3 = alloc_floats(m * n);
            k_backprop(D, ldo, m, W, n, nout, 0, n, P3);
            bad_split += memcmp(P2, P3, m * n * sizeof(float)) != 0;
            free(P3);
        }
        for (size_t b = 0; b < m; b++)
            for (size_t i = 0; i < n; i++) {
                double mag = 0;
                for (size_t j = 0; j < nout; j++) mag += fabs(D[b * ldo + j] * W[j * n + i]);
                bad_bp += fabs(P1[b * n + i] - P2[b * n + i]) > 1e-5 * mag + 1e-30;
            }
        free(X), free(W), free(B), free(Z1), free(Z2), free(Z3), free(Z4), free(D), free(W1), free(W2), free(P1), free(P2);
        free(B1), free(B2);
    }
    CHECK(bad_fwd == 0, "k_forward (%s) differs from the reference in %d places", NN_SIMD, bad_fwd);
    CHECK(bad_split == 0, "k_forward split by rows or one sum at a time, k_update split by rows and columns, or k_backprop by columns, differs bitwise in %d places", bad_split);
    CHECK(bad_upd == 0, "k_update (%s) differs from the reference in %d places", NN_SIMD, bad_upd);
    CHECK(bad_bp == 0, "k_backprop (%s) differs from the reference in %d places", NN_SIMD, bad_bp);
    { /* a convolution's weight gradient, image by image, against the reference */
        int bad_wg = 0;
        for (int trial = 0; trial < 30; trial++) {
            size_t P = 1 + rng_below(&r, 50), oc = 1 + rng_below(&r, 30), n = round_up(1 + rng_below(&r, 90), NN_PAD);
            size_t ldd = oc + rng_below(&r, 3);
            float *D = alloc_floats(2 * P * ldd), *X = alloc_floats(2 * P * n), *G1 = alloc_floats(oc * n), *G2 = alloc_floats(oc * n);
            float *B1 = alloc_floats(oc), *B2 = alloc_floats(oc);
            fill(D, 2 * P * ldd, &r), fill(X, 2 * P * n, &r);
            for (int img = 0; img < 2; img++) {
                k_wgrad_ref(D + img * P * ldd, ldd, P, X + img * P * n, n, 0, oc, G1, B1, img == 0);
                k_wgrad(D + img * P * ldd, ldd, P, X + img * P * n, n, 0, oc, G2, B2, img == 0);
            }
            for (size_t j = 0; j < oc; j++) {
                for (size_t i = 0; i < n; i++) {
                    double mag = 0;
                    for (size_t p = 0; p < 2 * P; p++) mag += fabs(D[p * ldd + j] * X[p * n + i]);
                    bad_wg += fabs(G1[j * n + i] - G2[j * n + i]) > 1e-5 * mag + 1e-30;
                }
                bad_wg += B1[j] != B2[j]; /* the same sums in the same order */
            }
            free(D), free(X), free(G1), free(G2), free(B1), free(B2);
        }
        CHECK(bad_wg == 0, "k_wgrad (%s) differs from the reference in %d places", NN_SIMD, bad_wg);
    }
#if NN_VW > 1
    { /* over the nonzero deltas alone (k_backprop_nz, k_wgrad_nz: a convolution's backward pass after a max pool):
       * the bits of k_backprop and k_wgrad, deltas from all zero (-0 among them) to all nonzero, rows and columns
       * of zeros, two images summed, column blocks of 8 vectors and fewer */
        int bad_nzb = 0, bad_nzw = 0, bad_nzn = 0;
        for (int trial = 0; trial < 40; trial++) {
            size_t P = 1 + rng_below(&r, 80), nout = 1 + rng_below(&r, 60), n = round_up(1 + rng_below(&r, 300), NN_PAD);
            float *D = alloc_floats(2 * P * nout), *W = alloc_floats(nout * n), *X = alloc_floats(2 * P * n);
            float *Y1 = alloc_floats(P * n), *Y2 = alloc_floats(P * n), *G1 = alloc_floats(nout * n), *G2 = alloc_floats(nout * n);
            float *B1 = alloc_floats(nout), *B2 = alloc_floats(nout);
            uint16_t *rj = malloc(P * nout * sizeof *rj), *rn = malloc(P * sizeof *rn), *cp = malloc(P * nout * sizeof *cp), *cn = malloc(nout * sizeof *cn);
            double keep = trial % 5 == 0 ? 0.0 : trial % 5 == 1 ? 1.0 : 0.25;
            fill(D, 2 * P * nout, &r), fill(W, nout * n, &r), fill(X, 2 * P * n, &r);
            for (size_t i = 0; i < 2 * P * nout; i++)
                if (rng_uniform(&r) >= keep) D[i] = rng_below(&r, 2) ? -0.0f : 0.0f;
            if (trial % 3 == 0) memset(D + rng_below(&r, P) * nout, 0, nout * sizeof(float)); /* a row of zeros */
            for (int img = 0; img < 2; img++) {
                const float *Di = D + img * P * nout, *Xi = X + img * P * n;
                size_t nnz = nz_lists(Di, P, nout, rj, rn, cp, cn), count = 0;
                for (size_t i = 0; i < P * nout; i++) count += Di[i] != 0;
                bad_nzn += nnz != count;
                k_backprop(Di, nout, P, W, n, nout, 0, n, Y1);
                k_backprop_nz(Di, nout, P, W, n, rj, rn, Y2);
                bad_nzb += memcmp(Y1, Y2, P * n * sizeof(float)) != 0;
                k_wgrad(Di, nout, P, Xi, n, 0, nout, G1, B1, img == 0);
                k_wgrad_nz(Di, nout, P, Xi, n, cp, cn, G2, B2, img == 0);
            }
            bad_nzw += memcmp(G1, G2, nout * n * sizeof(float)) != 0 || memcmp(B1, B2, nout * sizeof(float)) != 0;
            free(D), free(W), free(X), free(Y1), free(Y2), free(G1), free(G2), free(B1), free(B2), free(rj), free(rn), free(cp), free(cn);
        }
        CHECK(bad_nzb == 0 && bad_nzw == 0 && bad_nzn == 0,
              "over the nonzero deltas, k_backprop_nz differs bitwise from k_backprop in %d images, k_wgrad_nz from k_wgrad in %d of 40 shapes; nz_lists miscounts %d",
              bad_nzb, bad_nzw, bad_nzn);
    }
#endif
    { /* the same read from the image in place: the bits of im2col and k_wgrad (and of their references), two images
       * summed, padded and not, 1 to 70 maps (partial vectors and blocks of maps), 1 to 3 channels, kernels 1 to 5 */
        int bad_img = 0, bad_ref = 0;
        for (int trial = 0; trial < 40; trial++) {
            size_t ic = 1 + rng_below(&r, 3), k = 1 + rng_below(&r, 5), pad = rng_below(&r, k), oc = 1 + rng_below(&r, 70);
            size_t ih = k + rng_below(&r, 9), iw = k + rng_below(&r, 11);
            char spec[96];
            Net C;
            snprintf(spec, sizeof spec, "%zux%zux%zu-%zuc%zup%zu-3", ic, ih, iw, oc, k, pad);
            make_net(&C, spec, COST_LOGLIK, 3 + (uint64_t)trial, 1.0);
            const Layer *ly = &C.layer[1];
            size_t P = ly->oh * ly->ow, iwp = iw + 2 * pad, n = ly->ldw;
            float *x = alloc_floats((ih + 2 * pad) * iwp * ic + 1), *D = alloc_floats(2 * P * oc), *Pt = alloc_floats(P * n + NN_PAD);
            float *G[4], *B[4];
            for (int v = 0; v < 4; v++) G[v] = alloc_floats(oc * n), B[v] = alloc_floats(oc);
            fill(D, 2 * P * oc, &r);
            if (trial % 4 == 0) D[rng_below(&r, 2 * P * oc)] = INFINITY; /* (a padding column's sum is then NaN, as theirs) */
            for (int img = 0; img < 2; img++) {
                float *xi = alloc_floats(ih * iw * ic);
                fill(xi, ih * iw * ic, &r);
                for (size_t y = 0; y < ih; y++) memcpy(x + ((y + pad) * iwp + pad) * ic, xi + y * iw * ic, iw * ic * sizeof(float));
                im2col(ly, xi, Pt);
                k_wgrad(D + img * P * oc, oc, P, Pt, n, 0, oc, G[0], B[0], img == 0);
                k_wgrad_img(D + img * P * oc, oc, x, iwp, ic, k, ly->oh, ly->ow, oc, ly->wcols, n, G[1], B[1], img == 0);
                k_wgrad_ref(D + img * P * oc, oc, P, Pt, n, 0, oc, G[2], B[2], img == 0);
                k_wgrad_img_ref(D + img * P * oc, oc, x, iwp, ic, k, ly->oh, ly->ow, oc, ly->wcols, n, G[3], B[3], img == 0);
                free(xi);
            }
            bad_img += memcmp(G[0], G[1], oc * n * sizeof(float)) != 0 || memcmp(B[0], B[1], oc * sizeof(float)) != 0;
            bad_ref += memcmp(G[2], G[3], oc * n * sizeof(float)) != 0 || memcmp(B[2], B[3], oc * sizeof(float)) != 0;
            for (int v = 0; v < 4; v++) free(G[v]), free(B[v]);
            free(x), free(D), free(Pt), free(C.param);
        }
        CHECK(bad_img == 0 && bad_ref == 0, "k_wgrad_img (%s) differs bitwise from im2col and k_wgrad in %d of 40 shapes, its reference from theirs in %d",
              NN_SIMD, bad_img, bad_ref);
    }
    { /* a convolution's forward pass read in place, with and without its ReLU, with and without an affine map
       * after it (a batch normalisation applied in its stores): against the reference, and bit for bit against
       * the same product over patches copied out (im2col and k_backprop, the sums in the same order), the map
       * as bn_forward computes it and act_relu */
        int bad_cf = 0, bad_cp = 0;
        for (int trial = 0; trial < 40; trial++) {
            size_t k = 1 + rng_below(&r, 5), ic = 1 + rng_below(&r, trial % 4 ? 40 : 200), oc = 1 + rng_below(&r, 70);
            size_t oh = 1 + rng_below(&r, 15), ow = 1 + rng_below(&r, 15), ih = oh + k - 1, iw = ow + k - 1;
            size_t K = k * k * ic, ldo = round_up(oc, NN_PAD), ldw = round_up(K, NN_PAD), P = oh * ow;
            float *x = alloc_floats(ih * iw * ic), *WT = alloc_floats(K * ldo), *B = alloc_floats(ldo);
            float *y1 = alloc_floats(P * oc), *y2 = alloc_floats(P * oc), *Zs = alloc_floats((P + 8) * 64), *Pt = alloc_floats(P * ldw), *Z = alloc_floats(P * ldo);
            float *aff = alloc_floats(3 * ldo), *af = trial % 3 ? NULL : aff;
            fill(x, ih * iw * ic, &r), fill(B, oc, &r), fill(aff, oc, &r), fill(aff + ldo, oc, &r), fill(aff + 2 * ldo, oc, &r);
            for (size_t j = 0; j < K; j++)
                for (size_t c = 0; c < ldo; c++) WT[j * ldo + c] = c < oc ? (float)rng_normal(&r) : 0.0f;
            k_convfwd_ref(x, iw, ic, k, oh, ow, WT, ldo, oc, B, af, trial % 2, y1, Zs);
            k_convfwd(x, iw, ic, k, oh, ow, WT, ldo, oc, B, af, trial % 2, y2, Zs);
            for (size_t p = 0; p < P; p++)
                for (size_t dy = 0; dy < k; dy++)
                    for (size_t t = 0; t < k * ic; t++) Pt[p * ldw + dy * k * ic + t] = x[((p / ow + dy) * iw + p % ow) * ic + t];
            k_backprop(Pt, ldw, P, WT, ldo, K, 0, ldo, Z);
            for (size_t p = 0; p < P; p++)
                for (size_t c = 0; c < oc; c++) {
                    double mag = fabs(B[c]);
                    for (size_t j = 0; j < K; j++) mag += fabs(Pt[p * ldw + j] * WT[j * ldo + c]);
                    if (af) mag = (mag + fabs(af[c])) * fabs(af[ldo + c]) + fabs(af[2 * ldo + c]);
                    bad_cf += fabs(y1[p * oc + c] - y2[p * oc + c]) > 1e-5 * mag + 1e-30;
                    float e = Z[p * ldo + c] + B[c]; /* (with ReLU: act_relu's bits) */
                    if (af) {
                        e = (e - af[c]) * af[ldo + c];
                        e += af[2 * ldo + c];
                    }
                    if (trial % 2) act_relu(&e, 1);
                    bad_cp += memcmp(&y2[p * oc + c], &e, sizeof e) != 0;
                }
            free(x), free(WT), free(B), free(y1), free(y2), free(Zs), free(Pt), free(Z), free(aff);
        }
        CHECK(bad_cf == 0, "k_convfwd (%s) differs from the reference in %d places", NN_SIMD, bad_cf);
        CHECK(bad_cp == 0, "k_convfwd (%s) differs from im2col and k_backprop in %d places", NN_SIMD, bad_cp);
    }
#if NN_VW == 16
    { /* the same with the maps packed into the lanes (k_convfwdp: 20, 24 and 40 maps, several positions a vector):
       * bit for bit against k_convfwd, with and without its ReLU, one channel and many, tiles cut short at the end;
       * and nothing written past the outputs */
        int bad_pk = 0, past = 0;
        const size_t ocs[3] = {20, 24, 40};
        for (int trial = 0; trial < 45; trial++) {
            size_t oc = ocs[trial % 3], k = 1 + rng_below(&r, 5), ic = trial % 2 ? 1 : 1 + rng_below(&r, trial % 4 ? 30 : 120);
            size_t G = cfp_group(oc, 8), oh = 1 + rng_below(&r, 12), ow = G * (1 + rng_below(&r, 7)), ih = oh + k - 1, iw = ow + k - 1;
            size_t K = k * k * ic, ldo = round_up(oc, NN_PAD), pw = G * oc, P = oh * ow;
            float *x = alloc_floats(ih * iw * ic), *WT = alloc_floats(K * ldo), *WP = alloc_floats(K * pw + pw), *B = alloc_floats(ldo);
            float *y1 = alloc_floats(P * oc), *y2 = alloc_floats(P * oc + 64), *Zs = alloc_floats((P + 8) * 64);
            fill(x, ih * iw * ic, &r), fill(B, oc, &r);
            for (size_t j = 0; j < K; j++)
                for (size_t c = 0; c < ldo; c++) WT[j * ldo + c] = c < oc ? (float)rng_normal(&r) : 0.0f;
            for (size_t j = 0; j < K; j++)
                for (size_t c = 0; c < pw; c++) WP[j * pw + c] = WT[j * ldo + c % oc];
            for (size_t c = 0; c < pw; c++) WP[K * pw + c] = B[c % oc];
            for (size_t i = 0; i < 64; i++) y2[P * oc + i] = 12345.0f;
            k_convfwd(x, iw, ic, k, oh, ow, WT, ldo, oc, B, NULL, trial % 4 < 2, y1, Zs);
            k_convfwdp(x, iw, ic, k, oh, ow, WP, oc, WP + K * pw, trial % 4 < 2, y2, Zs);
            bad_pk += memcmp(y1, y2, P * oc * sizeof(float)) != 0;
            for (size_t i = 0; i < 64; i++) past += y2[P * oc + i] != 12345.0f;
            free(x), free(WT), free(WP), free(B), free(y1), free(y2), free(Zs);
        }
        CHECK(bad_pk == 0 && past == 0, "k_convfwdp differs bitwise from k_convfwd in %d of 45 shapes, wrote past the outputs %d times",
              bad_pk, past);
    }
#endif
#if NN_VW > 1
    { /* the vector sigmoid: expf's bits for one float in 61 of (-88, 88) (every one was checked once), and the
       * sigmoid's bits against the plain loop's, values out of that range, infinities and NaN included, on
       * lengths that leave a tail */
        long bad_e = 0, bad_s = 0, n_e = 0;
        float xs[NN_VW], ys[NN_VW];
        int k = 0;
        for (uint64_t u = 0; u < 0x100000000ull; u += 61) {
            uint32_t bits = (uint32_t)u;
            float x;
            memcpy(&x, &bits, sizeof x);
            if (!(x > -88.0f && x < 88.0f)) continue;
            xs[k++] = x;
            if (k < NN_VW) continue;
            V_STOREU(ys, v_exp(V_LOADU(xs)));
            for (int i = 0; i < NN_VW; i++) {
                float e = expf(xs[i]);
                bad_e += memcmp(&e, &ys[i], sizeof e) != 0, n_e++;
            }
            k = 0;
        }
        CHECK(n_e > 30000000 && bad_e == 0, "v_exp (%s) differs from expf on %ld of %ld floats", NN_SIMD, bad_e, n_e);
        for (int trial = 0; trial < 200; trial++) {
            size_t n = 1 + rng_below(&r, 100);
            float a[100], b[100];
            for (size_t j = 0; j < n; j++) {
                int kind = (int)rng_below(&r, 12);
                a[j] = kind == 0 ? NAN : kind == 1 ? INFINITY : kind == 2 ? -INFINITY : kind == 3 ? 88.0f : kind == 4 ? -88.0f
                       : kind == 5 ? -0.0f : kind == 6 ? (float)rng_normal(&r) * 60.0f : (float)rng_normal(&r) * 4.0f;
                b[j] = a[j];
            }
            k_sigmoid(a, n), k_sigmoid_ref(b, n);
            bad_s += memcmp(a, b, n * sizeof(float)) != 0;
        }
        CHECK(bad_s == 0, "k_sigmoid (%s) differs from k_sigmoid_ref in %ld of 200 rows", NN_SIMD, bad_s);
    }
#endif
#if NN_WINO
    { /* inference's 3x3 convolution by Winograd's F(2x2, 3x3): within float rounding of the direct sums, on
       * even and odd outputs (a tile over the edge), channels that fill no vector and several, maps in every
       * block size; and nothing written past the outputs */
        int bad_wn = 0, past = 0;
        for (int trial = 0; trial < 60; trial++) {
            size_t ic = 1 + rng_below(&r, trial % 3 ? 40 : 130), oc = 1 + rng_below(&r, trial % 4 ? 70 : 150);
            size_t oh = 1 + rng_below(&r, trial % 5 ? 15 : 40), ow = 1 + rng_below(&r, 15), ih = oh + 2, iw = ow + 2;
            size_t K = 9 * ic, ldo = round_up(oc, NN_PAD), ldw = round_up(K, NN_PAD), P = oh * ow;
            float *x = alloc_floats(ih * iw * ic), *W = alloc_floats(oc * ldw), *WT = alloc_floats(K * ldo), *B = alloc_floats(ldo);
            float *U = alloc_floats(16 * ic * ldo), *S = alloc_floats(wino_scratch(ic, ldo)), *Zs = alloc_floats((P + 8) * 64);
            float *y1 = alloc_floats(P * oc), *y2 = alloc_floats(P * oc + 64);
            fill(x, ih * iw * ic, &r), fill(B, oc, &r);
            memset(W, 0, oc * ldw * sizeof(float)), memset(WT, 0, K * ldo * sizeof(float));
            for (size_t c = 0; c < oc; c++)
                for (size_t j = 0; j < K; j++) WT[j * ldo + c] = W[c * ldw + j] = (float)rng_normal(&r);
            for (size_t i = 0; i < P * oc + 64; i++) y2[i] = 7.0f;
            wino_weights(W, ldw, ic, oc, ldo, U);
            k_convfwd_ref(x, iw, ic, 3, oh, ow, WT, ldo, oc, B, NULL, trial % 2, y1, Zs);
            k_wino(x, ih, iw, ic, U, ldo, oc, B, NULL, trial % 2, y2, S);
            for (size_t p = 0; p < P; p++)
                for (size_t c = 0; c < oc; c++) {
                    double mag = fabs(B[c]);
                    for (size_t dy = 0; dy < 3; dy++)
                        for (size_t t = 0; t < 3 * ic; t++) mag += fabs(x[((p / ow + dy) * iw + p % ow) * ic + t] * WT[(dy * 3 * ic + t) * ldo + c]);
                    bad_wn += !(fabs(y1[p * oc + c] - y2[p * oc + c]) <= 1e-5 * mag);
                }
            for (size_t i = P * oc; i < P * oc + 64; i++) past += y2[i] != 7.0f;
            free(x), free(W), free(WT), free(B), free(U), free(S), free(Zs), free(y1), free(y2);
        }
        CHECK(bad_wn == 0, "k_wino (%s) differs from the direct convolution in %d places", NN_SIMD, bad_wn);
        CHECK(past == 0, "k_wino wrote %d floats past its output", past);
    }
#endif
}

/* Training for two epochs gives bit-identical parameters with 1, 2 and 3
 * threads, for a replicated (small) and a split (large) output layer. */
static void test_thread_determinism(void)
{
    static const char *specs[] = {"20-40-10", "20-40-64", "20-33-17-5", "20-10", "20-40relu-33tanh-64softmax", "20-50leaky-70tanh-64",
                                  "1x4x6-6c3p1-mp2-9relu-10softmax", "1x5x5-3c2-5c3p1tanh-ap2-7sigmoid", "1x4x6-mp2-4c1-8leaky-5sigmoid",
                                  "20-40-bn-33-bnrelu-10softmax", "1x4x6-6c3p1-bn-mp2-9-bn-10softmax", "1x12x12-mp2-20c3-mp2-5softmax"};
    static const int opt[] = {OPT_SGD, OPT_MOMENTUM, OPT_SGD, OPT_ADAM, OPT_NESTEROV, OPT_ADAM, OPT_MOMENTUM, OPT_SGD, OPT_SGD, OPT_ADAM,
                              OPT_MOMENTUM, OPT_MOMENTUM};
    static const int cost[] = {COST_QUADRATIC, COST_QUADRATIC, COST_CROSS_ENTROPY, COST_QUADRATIC, COST_LOGLIK, COST_QUADRATIC,
                               COST_LOGLIK, COST_QUADRATIC, COST_CROSS_ENTROPY, COST_LOGLIK, COST_LOGLIK, COST_LOGLIK};
    static const float drop[] = {0, 0, 0.3f, 0, 0.5f, 0.2f, 0.3f, 0, 0, 0.2f, 0, 0};
    for (size_t s = 0; s < sizeof specs / sizeof *specs; s++) {
        float *ref = NULL;
        for (int nt = 1; nt <= 3; nt++) {
            Net N;
            TestData t;
            TrainOpt o = train_defaults();
            Meta M;
            TrainResult res;
            Err err;
            Pool *pl = pool_new(nt);
            memset(&M, 0, sizeof M);
            M.in.div = 1;
            o.eta = cost[s] == COST_LOGLIK || strchr(specs[s], 'x') ? 0.05f : 0.5f; /* (0.5 kills the softmax net: a collapse, refused) */
            o.epochs = 2, o.batch = 7, o.seed = 5, o.quiet = 1;
            o.optimizer = opt[s], o.momentum = 0.9f, o.dropout = drop[s], o.lambda = 0.5f;
            make_net(&N, specs[s], cost[s], 5, strchr(specs[s], 'x') ? 0.3 : 1.0); /* (N(0, 1) saturates the convolutions) */
            make_data(&t, 101, N.size[0], N.size[N.nl - 1] == 1 ? 2 : N.size[N.nl - 1], 9);
            CHECK(train_run(&N, &M, &t.d, NULL, NULL, &o, pl, &res, NULL, &err) == 0, "train_run %s: %s", specs[s], err.msg);
            if (!ref) ref = N.param;
            else {
                CHECK(!memcmp(ref, N.param, N.nparam * sizeof(float)), "%s: threads %d differ from 1 thread", specs[s], nt);
                free(N.param);
            }
            pool_free(pl);
            free_data(&t);
        }
        free(ref);
    }
}

/* ---- parsers, files ------------------------------------------------------ */

static void test_parsers(void)
{
    static const char *good[] = {"784-30-10", "2-1", "1-1-1-1", "65536-1"};
    static const char *bad[] = {"",    "784",    "784--10", "0-10",     "-5-10",  "784-30-10x", "784-30-",
                                "abc", "784-0",  "65537-1", "1-1-1-1-1-1-1-1-1-1-1-1-1-1-1-1-1", "784 -10",
                                "+5-1", "1e3-1", "99999999999999999999999-1", "20000-20000-10"};
    Net N;
    Err err;
    double v;
    const char *p;
    size_t sz;
    for (size_t i = 0; i < sizeof good / sizeof *good; i++)
        CHECK(parse_layers(good[i], &N, &err) == 0, "layer spec '%s' rejected: %s", good[i], err.msg);
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        CHECK(parse_layers(bad[i], &N, &err) != 0, "layer spec '%s' accepted", bad[i]);
    CHECK(parse_layers("784-30-10", &N, &err) == 0 && net_count(&N) == 23860, "784-30-10 has 23860 parameters");
    /* numbers */
    static const struct { const char *s; double v; } nums[] = {
        {"0", 0}, {"255", 255}, {"-1.5", -1.5}, {"3.25e2", 325}, {".5", 0.5}, {"1.", 1}, {"+7", 7},
        {"0.1", 0.1}, {"123456789012345678901234", 123456789012345678901234.0}, {"1e-300", 1e-300}};
    for (size_t i = 0; i < sizeof nums / sizeof *nums; i++) {
        p = nums[i].s;
        CHECK(scan_number(&p, p + strlen(p), &v) == 0 && v == nums[i].v && *p == 0, "scan_number('%s') = %.17g", nums[i].s, v);
    }
    static const char *badnums[] = {"", "nan", "inf", "-", ".", "e5", "1e", "1e+", "0x10", "1e999"};
    for (size_t i = 0; i < sizeof badnums / sizeof *badnums; i++) {
        int rc;
        p = badnums[i];
        rc = scan_number(&p, p + strlen(p), &v);
        CHECK(rc != 0 || *p != 0, "scan_number accepted '%s'", badnums[i]);
    }
    CHECK(parse_double("nan", &v) && parse_double("inf", &v) && parse_double("0x1p3", &v) && parse_double("1 ", &v) &&
              parse_double("", &v) && !parse_double("3.0", &v) && v == 3.0,
          "parse_double strictness");
    CHECK(parse_size("10", 100, &sz) == 0 && sz == 10 && parse_size("101", 100, &sz) && parse_size("-1", 100, &sz) &&
              parse_size("1x", 100, &sz) && parse_size("99999999999999999999999", SIZE_MAX, &sz),
          "parse_size strictness");
    CHECK(crc32_update(0, (const uint8_t *)"123456789", 9) == 0xCBF43926u, "CRC-32 check value");
    for (int nt = 1; nt <= 5; nt++) { /* split_range covers every chunk once */
        size_t next = 0, lo, hi;
        for (int t = 0; t < nt; t++) {
            split_range(96, nt, t, &lo, &hi);
            CHECK(lo == next && lo % NN_PAD == 0 && hi >= lo, "split_range(96, %d, %d)", nt, t);
            next = hi;
        }
        CHECK(next == 96, "split_range covers 96 with %d threads", nt);
    }
}

static void test_model_file(void)
{
    Net N, N2;
    Meta M, M2;
    Err err;
    size_t len = 0;
    uint8_t *buf;
    int undetected = 0;
    memset(&M, 0, sizeof M);
    M.in.div = 255, M.eta = 3, M.batch = 10, M.epochs = 30, M.epochs_done = 30, M.seed = 42;
    M.optimizer = OPT_ADAM, M.dropout = 0.25f, M.kept_epoch = 17;
    {
        static float mean[13], rsd[13];
        static char a[] = "cat", b[] = "dog", c[] = "a \"bird\"", d[] = "", e[] = "eel";
        static char *names[5] = {a, b, c, d, e};
        for (int i = 0; i < 13; i++) mean[i] = (float)i - 3.5f, rsd[i] = 1.0f / (float)(i + 1);
        M.in.mean = mean, M.in.rsd = rsd, M.names = names, M.nnames = 5;
    }
    make_net(&N, "13-7relu-5softmax", COST_LOGLIK, 1, 1.0);
    buf = model_encode(&N, &M, &len);
    CHECK(model_decode(buf, len, "m", &N2, &M2, &err) == 0, "model round trip: %s", err.msg);
    if (N2.param) {
        int same = N2.nl == N.nl && N2.cost == N.cost && N2.layer[1].act == ACT_RELU && N2.layer[2].act == ACT_SOFTMAX &&
                   M2.in.div == 255 && M2.seed == 42 && M2.epochs_done == 30 && M2.optimizer == OPT_ADAM &&
                   M2.dropout == 0.25f && M2.kept_epoch == 17 && M2.nnames == 5 && !strcmp(M2.names[2], "a \"bird\"") &&
                   !strcmp(M2.names[3], "") && M2.in.mean && M2.in.mean[12] == 8.5f && M2.in.rsd[3] == 0.25f;
        for (int l = 1; l < N.nl; l++) {
            same &= !memcmp(NET_W(&N, l), NET_W(&N2, l), N.size[l] * N.ld[l - 1] * sizeof(float));
            same &= !memcmp(NET_B(&N, l), NET_B(&N2, l), N.size[l] * sizeof(float));
        }
        CHECK(same, "model round trip is bit-exact, class names and standardization included");
        free(N2.param), model_meta_free(&M2);
    }
    for (size_t i = 0; i < len; i++) { /* every single flipped byte is caught */
        buf[i] ^= 0x5A;
        if (model_decode(buf, len, "m", &N2, &M2, &err) == 0) undetected++, free(N2.param), model_meta_free(&M2);
        buf[i] ^= 0x5A;
    }
    CHECK(undetected == 0, "%d flipped bytes went undetected", undetected);
    for (size_t cut = 0; cut < len; cut += 7) /* truncation anywhere */
        CHECK(model_decode(buf, cut, "m", &N2, &M2, &err) != 0, "truncated model (%zu bytes) accepted", cut);
    buf[8] = 5; /* a future version */
    CHECK(model_decode(buf, len, "m", &N2, &M2, &err) != 0 && strstr(err.msg, "version 5"), "future version: %s", err.msg);
    free(buf), free(N.param);
}

/* ---- malformed model files with a valid CRC: one per field check ------- */

/* The byte offset of the first settings field in an encoded model (format
 * 3: after the K - 1 layer records and the field count). */
static size_t field_at(const uint8_t *buf, size_t len)
{
    size_t p = 44;
    for (uint32_t l = 1; l < get_le32(buf + 12) && p + 16 <= len; l++) p += 16 + get_le32(buf + p + 12);
    return p + 4;
}

/* The byte offset of settings field `tag`, or 0. */
static size_t tag_at(const uint8_t *buf, size_t len, uint32_t tag)
{
    size_t p = field_at(buf, len);
    uint32_t F = get_le32(buf + p - 4);
    for (uint32_t k = 0; k < F && p + 8 <= len; k++) {
        if (get_le32(buf + p) == tag) return p;
        p += 8 + get_le32(buf + p + 4);
    }
    return 0;
}

/* Patch a copy of the model image at `off` with the 4-byte value v (or
 * insert/remove bytes: grow > 0 appends that many zero bytes before the CRC,
 * grow < 0 cuts them), recompute the CRC, decode, and expect a message
 * containing `want`. */
static void bad_model(const char *what, const uint8_t *buf, size_t len, size_t off, uint32_t v, int grow,
                      const char *want)
{
    size_t n = len + (size_t)(grow > 0 ? grow : 0); /* allocated */
    uint8_t *c = malloc(n);
    Net N;
    Meta M;
    Err err = {{0}, {0}};
    int rc;
    n = grow < 0 ? len - (size_t)-grow : len + (size_t)grow;
    memcpy(c, buf, (grow < 0 ? n : len) - 4);
    if (grow > 0) memset(c + len - 4, 0, (size_t)grow);
    if (off) put_le32(c + off, v);
    put_le32(c + n - 4, crc32_update(0, c, n - 4));
    rc = model_decode(c, n, "m", &N, &M, &err);
    CHECK(rc != 0 && strstr(err.msg, want), "%s (CRC valid): wanted '%s', got %s: %s", what, want,
          rc ? "an error" : "success", err.msg);
    if (!rc) free(N.param), model_meta_free(&M);
    free(c);
}

static void test_model_fields(void)
{
    Net N;
    Meta M;
    size_t len = 0, f, names, std, w;
    uint8_t *buf;
    static float mean[4] = {1, 2, 3, 4}, rsd[4] = {1, 1, 1, 1};
    static char a[] = "a", b[] = "b";
    static char *nm[2] = {a, b};
    memset(&M, 0, sizeof M);
    M.in.div = 1, M.eta = 3, M.batch = 10, M.epochs = 30, M.epochs_done = 30, M.kept_epoch = 30;
    M.init = INIT_NORMAL, M.optimizer = OPT_SGD, M.schedule = SCHED_CONSTANT;
    M.in.mean = mean, M.in.rsd = rsd, M.names = nm, M.nnames = 2;
    /* K = 3: task at 16, cost 20, divisor 24, inputs 28, input shape 32; layer records (kind, activation, outputs,
     * E) at 44 and 60; the field count at 76, the fields from 80 */
    make_net(&N, "4-3-2", COST_QUADRATIC, 1, 1.0);
    buf = model_encode(&N, &M, &len);
    f = field_at(buf, len), names = tag_at(buf, len, TAG_NAMES), std = tag_at(buf, len, TAG_STANDARDIZE);
    w = std + 8 + 32; /* the weights follow the standardisation field */
    CHECK(f == 80 && names && std && w + 4 * net_count(&N) + 4 == len, "model layout as the format notes say");
    bad_model("version 0", buf, len, 8, 0, 0, "model format version 0");
    bad_model("version 5", buf, len, 8, 5, 0, "model format version 5");
    bad_model("one layer size", buf, len, 12, 1, 0, "1 layer sizes; allowed is 2 to");
    bad_model("17 layer sizes", buf, len, 12, 17, 0, "17 layer sizes; allowed is 2 to");
    bad_model("cut in the header", buf, len, 0, 0, 34 - (int)len, "truncated model header");
    bad_model("task 0", buf, len, 16, 0, 0, "unknown task id 0");
    bad_model("task 9", buf, len, 16, 9, 0, "unknown task id 9");
    bad_model("cut in the records", buf, len, 0, 0, 64 - (int)len, "truncated record of layer 2");
    bad_model("inputs 0", buf, len, 28, 0, 0, "the input shape 4x1x1 is not its 0 inputs");
    bad_model("kind 0", buf, len, 44, 0, 0, "layer 1 has unknown kind 0");
    bad_model("kind 99", buf, len, 60, 99, 0, "layer 2 has unknown kind 99");
    bad_model("a dense record with fields", buf, len, 56, 4, 0, "layer 1: malformed dense layer record");
    bad_model("a record longer than the file", buf, len, 72, 100000, 0, "layer 2: malformed dense layer record");
    bad_model("a layer of 0", buf, len, 52, 0, 0, "layer 2 has 0 neurons");
    bad_model("a layer of 70000", buf, len, 52, 70000, 0, "layer 2 has 70000 neurons");
    bad_model("activation 0", buf, len, 48, 0, 0, "layer 1 has unknown activation id 0");
    bad_model("activation 99", buf, len, 64, 99, 0, "layer 2 has unknown activation id 99");
    bad_model("softmax hidden", buf, len, 48, ACT_SOFTMAX, 0, "softmax is for the output layer only");
    bad_model("relu output", buf, len, 64, ACT_RELU, 0, "relu is for hidden layers");
    bad_model("cost 0", buf, len, 20, 0, 0, "unknown cost id 0");
    bad_model("cost 9", buf, len, 20, 9, 0, "unknown cost id 9");
    bad_model("log-likelihood without softmax", buf, len, 20, COST_LOGLIK, 0, "log-likelihood cost needs a softmax");
    bad_model("input divisor 0", buf, len, 24, 0, 0, "input divisor is not a positive number");
    bad_model("input divisor NaN", buf, len, 24, 0x7fc00000u, 0, "input divisor is not a positive number");
    bad_model("input divisor -1", buf, len, 24, f32_bits(-1), 0, "input divisor is not a positive number");
    bad_model("1001 fields", buf, len, 76, 1001, 0, "1001 settings fields; the limit is 1000");
    bad_model("cut in the fields", buf, len, 0, 0, 120 - (int)len, "truncated settings field 4");
    bad_model("unknown tag", buf, len, f, 99, 0, "unknown settings field 99");
    bad_model("tag 0", buf, len, f, 0, 0, "unknown settings field 0");
    bad_model("a field of length 8", buf, len, f + 4, 8, 0, "settings field 1 has a bad length");
    bad_model("eta NaN", buf, len, f + 12 * (TAG_ETA - 1) + 8, 0x7fc00000u, 0, "a training setting is not a finite number");
    bad_model("init 9", buf, len, f + 12 * (TAG_INIT - 1) + 8, 9, 0, "unknown initialisation, optimiser or schedule id");
    bad_model("optimiser 9", buf, len, f + 12 * (TAG_OPT - 1) + 8, 9, 0, "unknown initialisation, optimiser or schedule id");
    bad_model("epochs done > epochs", buf, len, f + 12 * (TAG_DONE - 1) + 8, 31, 0, "inconsistent epoch counts");
    bad_model("kept epoch > done", buf, len, f + 12 * (TAG_KEPT - 1) + 8, 31, 0, "inconsistent epoch counts");
    bad_model("0 class names", buf, len, names + 8, 0, 0, "bad class names field");
    bad_model("3 class names for 2 classes", buf, len, names + 8, 3, 0, "bad class names field");
    bad_model("a name longer than its field", buf, len, names + 12, 9, 0, "bad class names field");
    bad_model("names field length", buf, len, names + 4, 9999, 0, "bad class names field");
    bad_model("standardization length", buf, len, std + 4, 28, 0, "bad standardization field");
    bad_model("a deviation of 0", buf, len, std + 8 + 16, 0, 0, "bad standardization field");
    bad_model("a mean of inf", buf, len, std + 8, 0x7f800000u, 0, "bad standardization field");
    bad_model("a weight NaN", buf, len, w, 0x7fc00000u, 0, "layer 1 has a weight that is not a finite number");
    bad_model("a bias inf", buf, len, w + 4 * 12, 0x7f800000u, 0, "layer 1 has a bias that is not a finite number");
    bad_model("a bias of layer 2 -inf", buf, len, w + 4 * (15 + 6), 0xff800000u, 0, "layer 2 has a bias that is not a finite number");
    bad_model("a byte too many", buf, len, 0, 0, 1, "its layer sizes need exactly");
    bad_model("a float too few", buf, len, 0, 0, -4, "its layer sizes need exactly");
    bad_model("regression without targets", buf, len, 16, TASK_REGRESS, 0, "a regression model without its targets field");
    bad_model("an input shape of 2x1x1 for 4 inputs", buf, len, 32, 2, 0, "the input shape 2x1x1 is not its 4 inputs");
    bad_model("an input shape of 4x2^31", buf, len, 36, 0x80000000u, 0, "the input shape 4x2147483648x1 is not its 4 inputs");
    put_le32(buf + 8, 3);
    bad_model("format 3 (no input shape): the shape read as the records", buf, len, 0, 0, 0, "layer 1 has unknown kind 4");
    put_le32(buf + 8, 4);
    free(buf);
    { /* a convolutional network: 1x6x6-3c3p1-mp2-2softmax; records at 44 (conv, E = 12) and 72 (pool, E = 4) */
        Net C;
        Meta MC = M;
        MC.names = NULL, MC.nnames = 0, MC.in.mean = MC.in.rsd = NULL;
        make_net(&C, "1x6x6-3c3p1-mp2-2softmax", COST_LOGLIK, 1, 1.0);
        buf = model_encode(&C, &MC, &len);
        {
            Net C2;
            Meta M2;
            Err err = {{0}, {0}};
            int rc = model_decode(buf, len, "m", &C2, &M2, &err);
            CHECK(rc == 0 && C2.nl == 4 && C2.layer[1].kind == LAYER_CONV && C2.layer[1].k == 3 && C2.layer[1].pad == 1 &&
                      C2.layer[2].kind == LAYER_MAXPOOL && C2.layer[2].k == 2 && C2.size[2] == 27 && C2.shape[0][1] == 6 &&
                      !memcmp(C2.param, C.param, C.nparam * sizeof(float)),
                  "a convolutional model round-trips: %s", err.msg);
            if (!rc) free(C2.param), model_meta_free(&M2);
        }
        bad_model("conv: a record of 8 bytes", buf, len, 56, 8, 0, "layer 1: malformed convolution layer record");
        bad_model("conv: 0 maps", buf, len, 60, 0, 0, "layer 1: malformed convolution layer record");
        bad_model("conv: kernel 0", buf, len, 64, 0, 0, "layer 1: malformed convolution layer record");
        bad_model("conv: padding 3 for a 3x3 kernel", buf, len, 68, 3, 0, "layer 1: malformed convolution layer record");
        bad_model("conv: 4 maps for its 108 outputs", buf, len, 60, 4, 0, "layer 2: 108 outputs, but its shape makes 144");
        bad_model("conv: a kernel larger than the input", buf, len, 64, 9, 0, "a 9x9 kernel does not fit its 6x6 input");
        bad_model("pool: a window that does not divide", buf, len, 88, 4, 0, "a 4x4 pool does not divide its 6x6 input");
        bad_model("pool: a window of 0", buf, len, 88, 0, 0, "layer 2: malformed max-pooling layer record");
        bad_model("pool: an activation", buf, len, 76, ACT_RELU, 0, "a pool takes no activation");
        bad_model("pool after dense", buf, len, 44, LAYER_DENSE, 0, "malformed dense layer record");
        bad_model("the input shape 1x4x6", buf, len, 36, 4, 0, "the input shape 1x4x6 is not its 36 inputs");
        free(buf), free(C.param);
    }
    { /* a piecewise-linear encoding: 3-ple4-5relu-2softmax; its record at 44 (E = 4: the bins), its state after layer 1's (no) weights */
        Net P;
        Meta MP = M;
        TestData t;
        MP.names = NULL, MP.nnames = 0, MP.in.mean = MP.in.rsd = NULL;
        make_net(&P, "3-ple4-5relu-2softmax", COST_LOGLIK, 1, 1.0);
        make_data(&t, 30, 3, 2, 5);
        net_fit(&P, &unit_map, &t.d);
        free_data(&t);
        buf = model_encode(&P, &MP, &len);
        {
            Net P2;
            Meta M2;
            Err err = {{0}, {0}};
            int rc = model_decode(buf, len, "m", &P2, &M2, &err), lo = 1;
            for (size_t i = 0; i < 12; i++) lo &= P.param[P.layer[1].soff + 12 + i] > 0; /* every bin's inv fitted */
            CHECK(rc == 0 && P2.nl == 4 && P2.layer[1].kind == LAYER_PLE && P2.layer[1].k == 4 && P2.size[1] == 12 && P2.layer[1].ns == 48 &&
                      lo && !memcmp(P2.param, P.param, P.nparam * sizeof(float)),
                  "a piecewise-linear encoding round-trips, its 48 fitted state values included: %s", err.msg);
            if (!rc) free(P2.param), model_meta_free(&M2);
        }
        bad_model("ple: one bin", buf, len, 60, 1, 0, "layer 1: malformed piecewise-linear encoding layer record");
        bad_model("ple: 65 bins", buf, len, 60, 65, 0, "layer 1: malformed piecewise-linear encoding layer record");
        bad_model("ple: a record of 12 bytes", buf, len, 56, 12, 0, "layer 1: malformed piecewise-linear encoding layer record");
        bad_model("ple: 5 bins for its 12 outputs", buf, len, 60, 5, 0, "layer 2: 12 outputs, but its shape makes 15");
        bad_model("ple: an activation", buf, len, 48, ACT_RELU, 0, "takes no activation");
        bad_model("a file that ends with its layer records (96 bytes, then the CRC)", buf, len, 0, 0, -(int)(len - 100),
                  "truncated model header: no settings fields");
        bad_model("ple: a state value that is not finite", buf, len, len - 4 - 4 * (2 * 5 + 2 + 5 * 12 + 5) - 4, 0x7fc00000u, 0,
                  "layer 1 has a state value that is not a finite number");
                free(buf);
        { /* 3-ple4v-5relu-2softmax: the value before its 4 bins; a record of 8 bytes (4, then 1), 5 values an input */
            Net V, V2;
            Meta M2;
            Err err = {{0}, {0}};
            TestData tv;
            size_t vlen, plain;
            uint8_t *vbuf;
            int rc, raw = 1;
            make_net(&V, "3-ple4v-5relu-2softmax", COST_LOGLIK, 1, 1.0);
            make_data(&tv, 30, 3, 2, 5);
            net_fit(&V, &unit_map, &tv.d);
            free_data(&tv);
            vbuf = model_encode(&V, &MP, &vlen);
            free(model_encode(&P, &MP, &plain));
            rc = model_decode(vbuf, vlen, "m", &V2, &M2, &err);
            for (size_t i = 0; i < 3; i++) { /* input i's first value: lo 0, inv 1, no clipping */
                const float *st = V.param + V.layer[1].soff + 5 * i;
                raw &= st[0] == 0 && st[15] == 1 && st[30] == -FLT_MAX && st[45] == FLT_MAX;
            }
            CHECK(rc == 0 && V2.layer[1].kind == LAYER_PLE && V2.layer[1].k == 4 && V2.layer[1].pad == 1 && V2.size[1] == 15 &&
                      V2.layer[1].ns == 60 && raw && get_le32(vbuf + 56) == 8 && get_le32(vbuf + 64) == 1 &&
                      !memcmp(V2.param, V.param, V.nparam * sizeof(float)),
                  "ple4v round-trips: a record of 8 bytes, 15 outputs, each input's value first, its 60 state values: %s", err.msg);
            if (!rc) free(V2.param), model_meta_free(&M2);
            bad_model("ple4v: a record whose second word is 2", vbuf, vlen, 64, 2, 0, "layer 1: malformed piecewise-linear encoding layer record");
            free(vbuf), free(V.param);
        }
        { /* the same as an ensemble of 3: the members field (tag 27), then each member's parameters */
            float *three = alloc_floats2(3, P.nparam);
            Net E = P, E2;
            Meta M2;
            Err err = {{0}, {0}};
            size_t one;
            int rc;
            for (int e = 0; e < 3; e++)
                for (size_t i = 0; i < P.nparam; i++) three[(size_t)e * P.nparam + i] = P.param[i] + 0.001f * (float)e * (i >= P.layer[3].boff && i < P.layer[3].boff + 2);
            free(model_encode(&P, &MP, &one));
            E.param = three, E.members = 3;
            buf = model_encode(&E, &MP, &len);
            rc = model_decode(buf, len, "m", &E2, &M2, &err);
            CHECK(rc == 0 && E2.members == 3 && len == one + 12 + 2 * 4 * (48 + 60 + 5 + 10 + 2) &&
                      !memcmp(E2.param, three, 3 * P.nparam * sizeof(float)),
                  "an ensemble of 3 round-trips: the members field and 3 x 125 values more (%zu bytes against %zu): %s", len, one, err.msg);
            if (!rc) free(E2.param), model_meta_free(&M2);
            {
                size_t at = tag_at(buf, len, 27);
                CHECK(at != 0, "the ensemble's members field is there");
                bad_model("ensemble of 1", buf, len, at + 8, 1, 0, "bad ensemble field (2 to 64 networks)");
                bad_model("ensemble of 65", buf, len, at + 8, 65, 0, "bad ensemble field (2 to 64 networks)");
                bad_model("ensemble of 4 in the field, 3 in the file", buf, len, at + 8, 4, 0, "its layer sizes and ensemble need exactly");
                bad_model("an ensemble cut short", buf, len, 0, 0, -8, "its layer sizes and ensemble need exactly");
                bad_model("a member's weight that is not finite", buf, len, len - 4 - 4 * 12, 0x7f800000u, 0,
                          "an ensemble member's layer 3 has a weight that is not a finite number");
            }
            free(three);
        }
        free(buf), free(P.param);
    }
    { /* a regression trained on a table: the table (tag 23) and the targets (tag 24) */
        static char ca[] = "a", cc[] = "c", ct[] = "t", cb[] = "b", x[] = "x", y[] = "y";
        static char *cats[2] = {x, y};
        static float tmean[1] = {3}, tsd[1] = {2};
        Column cols[5];
        Net R;
        Meta MR = M;
        size_t tab, tg;
        memset(cols, 0, sizeof cols);
        cols[0].kind = COL_NUMBER, cols[0].name = ca, cols[0].fill = 1.5f;
        cols[1].kind = COL_CATEGORY, cols[1].name = cc, cols[1].cats = cats, cols[1].ncat = 2;
        cols[2].kind = COL_TARGET, cols[2].name = ct;
        cols[3].kind = COL_IGNORED; /* no name */
        cols[4].kind = COL_NUMBER, cols[4].name = cb, cols[4].fill = 2;
        MR.names = NULL, MR.nnames = 0, MR.in.mean = MR.in.rsd = NULL;
        MR.tab.ncol = 5, MR.tab.col = cols, MR.tab.missing = MISS_MEAN;
        MR.out.n = 1, MR.out.mean = tmean, MR.out.sd = tsd;
        make_net(&R, "4-3-1linear", COST_QUADRATIC, 1, 1.0);
        R.task = TASK_REGRESS;
        buf = model_encode(&R, &MR, &len);
        tab = tag_at(buf, len, TAG_TABLE), tg = tag_at(buf, len, TAG_TARGETS);
        {
            Net R2;
            Meta M2;
            Err err = {{0}, {0}};
            int rc = model_decode(buf, len, "m", &R2, &M2, &err);
            CHECK(rc == 0 && tab && tg && M2.tab.ncol == 5 && M2.tab.col[1].ncat == 2 && !strcmp(M2.tab.col[1].cats[1], "y") &&
                      !M2.tab.col[3].name && M2.tab.col[0].fill == 1.5f && M2.out.n == 1 && M2.out.sd[0] == 2 && R2.task == TASK_REGRESS,
                  "a regression model with a table round-trips: %s", err.msg);
            if (!rc) free(R2.param), model_meta_free(&M2);
        }
        /* the table: missing (4), ncol (4), then per column kind, name length + bytes, fill, ncat, categories;
         * column 1 at tab + 16 (17 bytes), column 2 at tab + 33 (27 bytes), column 3 at tab + 60 */
        bad_model("table: missing 0", buf, len, tab + 8, 0, 0, "bad table field");
        bad_model("table: 0 columns", buf, len, tab + 12, 0, 0, "bad table field");
        bad_model("table: column kind 0", buf, len, tab + 16, 0, 0, "bad table field");
        bad_model("table: a name longer than the field", buf, len, tab + 20, 4000, 0, "bad table field");
        bad_model("table: a fill value NaN", buf, len, tab + 25, 0x7fc00000u, 0, "bad table field");
        bad_model("table: a category column of 0 categories", buf, len, tab + 46, 0, 0, "bad table field");
        bad_model("table: a number column with categories", buf, len, tab + 29, 1, 0, "bad table field");
        bad_model("table: field length", buf, len, tab + 4, 9999, 0, "bad table field");
        bad_model("table: a number column ignored (3 inputs for 4)", buf, len, tab + 16, COL_IGNORED, 0, "the table's columns do not match the inputs");
        bad_model("table: the target ignored", buf, len, tab + 60, COL_IGNORED, 0, "the table's label or target columns do not match");
        bad_model("targets: 0 targets", buf, len, tg + 8, 0, 0, "bad targets field");
        bad_model("targets: a deviation of 0", buf, len, tg + 16, 0, 0, "bad targets field");
        bad_model("targets: a mean of inf", buf, len, tg + 12, 0x7f800000u, 0, "bad targets field");
        bad_model("targets in a classification model", buf, len, 16, TASK_CLASSIFY, 0, "a targets field in a classification model");
        free(buf), free(R.param);
    }
    { /* a network over the parameter cap, sizes within their own caps */
        M.names = NULL, M.nnames = 0, M.in.mean = M.in.rsd = NULL;
        buf = model_encode(&N, &M, &len);
        put_le32(buf + 28, 60000), put_le32(buf + 32, 60000), put_le32(buf + 52, 60000);
        bad_model("60000-60000-2: over the parameter cap", buf, len, 68, 2, 0, "more than 100000000 weights and biases");
        free(buf);
    }
    free(N.param);
}

static void test_loaders(void)
{
    static const char csv[] = "a,b,label\n1,2,0\r\n\n3, 4 ,1\n5,6,2";
    static const uint8_t idx[] = {0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 2, 10, 20, 30, 40};
    static const uint8_t lab[] = {0, 0, 8, 1, 0, 0, 0, 2, 3, 4};
    CsvOpt o = {.label_col = -1, .header = -1};
    Data d;
    Err err;
    uint8_t *copy;
    CHECK(load_csv((const uint8_t *)csv, strlen(csv), "t.csv", &o, &d, &err) == 0, "csv: %s", err.msg);
    CHECK(d.n == 3 && d.d == 2 && d.xf[2] == 3 && d.xf[3] == 4 && d.y[2] == 2 && d.nclass == 3 && d.maxabs == 6,
          "csv values");
    data_free(&d);
    CHECK(load_csv((const uint8_t *)"1,2\n3\n", 6, "t.csv", &o, &d, &err) != 0 && !strcmp(err.where, "t.csv:2"),
          "ragged csv names line 2: %s %s", err.where, err.msg);
    CHECK(load_csv((const uint8_t *)"1,2,0\n3,x,1\n", 12, "t.csv", &o, &d, &err) != 0 && strstr(err.msg, "column 2"),
          "bad number names the column: %s", err.msg);
    CHECK(load_csv((const uint8_t *)"1,2,cat\n3,4,\"dog \"\"x\"\"\"\n5,6,cat\n", 31, "t.csv", &o, &d, &err) == 0 &&
              d.nclass == 2 && !strcmp(d.names[0], "cat") && !strcmp(d.names[1], "dog \"x\"") && d.y[2] == 0 && d.y[1] == 1,
          "class names with quotes: %s", err.msg);
    data_free(&d);
    CHECK(load_csv((const uint8_t *)"1,2\n3,1.5\n", 10, "t.csv", &o, &d, &err) != 0 && strstr(err.msg, "label"),
          "fractional label: %s", err.msg);
    copy = malloc(sizeof idx);
    memcpy(copy, idx, sizeof idx);
    CHECK(load_idx_images(copy, sizeof idx, "i", &d, &err) == 0 && d.n == 2 && d.d == 2 && d.x8[3] == 40, "idx images");
    CHECK(load_idx_labels(lab, sizeof lab, "l", &d, &err) == 0 && d.y[1] == 4 && d.nclass == 5, "idx labels");
    data_free(&d);
    copy = malloc(sizeof idx);
    memcpy(copy, idx, sizeof idx);
    CHECK(load_idx_images(copy, sizeof idx - 1, "i", &d, &err) != 0 && strstr(err.msg, "truncated"), "short idx: %s", err.msg);
    free(copy);
    {
        uint8_t huge[] = {0, 0, 8, 3, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
        CHECK(load_idx_images(huge, sizeof huge, "i", &d, &err) != 0, "huge idx dimensions accepted");
    }
}

/* Inflate a zlib stream z (n bytes) with nn's own gunzip, by wrapping its
 * DEFLATE data in a gzip member; checks the zlib header and the Adler-32
 * trailer against a plain computation.  Returns the data (malloc'd) or NULL. */
static uint8_t *zlib_inflate_test(const uint8_t *z, size_t n, size_t *outlen)
{
    uint8_t *gz = malloc(n + 20), *out = NULL;
    Err err = {{0}, {0}};
    uint32_t a = 1, b = 0, crc;
    if (!gz || n < 6 || z[0] != 0x78 || (z[0] * 256 + z[1]) % 31) {
        free(gz);
        return NULL;
    }
    memcpy(gz, "\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03", 10);
    memcpy(gz + 10, z + 2, n - 6);
    /* the gzip trailer's CRC and length, from a first inflate of the raw stream */
    {
        Inflate st;
        memset(&st, 0, sizeof st);
        st.in = z + 2;
        st.inlen = n - 6;
        st.maxout = (size_t)1 << 30;
        if (inf_stream(&st)) {
            free(st.out);
            free(gz);
            return NULL;
        }
        crc = crc32_update(0, st.out, st.outlen);
        put_le32(gz + 10 + n - 6, crc);
        put_le32(gz + 10 + n - 2, (uint32_t)st.outlen);
        free(st.out);
    }
    if (gunzip(gz, 10 + n - 6 + 8, (size_t)1 << 30, "t", &out, outlen, &err)) out = NULL;
    free(gz);
    if (!out) return NULL;
    for (size_t i = 0; i < *outlen; i++) {
        a = (a + out[i]) % 65521;
        b = (b + a) % 65521;
    }
    if (get_be32(z + n - 4) != (b << 16 | a)) {
        free(out);
        return NULL;
    }
    return out;
}

/* nn's DEFLATE writer against its inflater, and a PNG read back by hand:
 * chunks and CRCs, the scanlines' filters undone. */
static void test_png(void)
{
    static const size_t sizes[] = {0, 1, 2, 3, 257, 258, 259, 1000, 40000, 100000};
    Rng r;
    rng_seed(&r, 7);
    for (size_t t = 0; t < sizeof sizes / sizeof *sizes; t++)
        for (int kind = 0; kind < 3; kind++) { /* noise, a short pattern, long runs */
            size_t n = sizes[t], got = 0;
            uint8_t *p = malloc(n + 1), *back;
            Buf z = {NULL, 0, 0, 0};
            for (size_t i = 0; i < n; i++)
                p[i] = kind == 0 ? (uint8_t)rng_below(&r, 256) : kind == 1 ? (uint8_t)"abcabd"[i % 6] : (uint8_t)(i / 5000);
            zlib_compress(&z, p, n);
            back = z.oom ? NULL : zlib_inflate_test(z.p, z.n, &got);
            CHECK(back && got == n && (!n || !memcmp(back, p, n)), "deflate round trip: %zu bytes, kind %d", n, kind);
            if (kind == 2 && n == 100000) CHECK(z.n < 1000, "deflate of long runs: %zu bytes for 100000", z.n);
            if (kind == 0 && n == 100000) CHECK(z.n < n + n / 8, "deflate of noise: %zu bytes for 100000", z.n);
            free(back);
            free(z.p);
            free(p);
        }
    for (int ch = 1; ch <= 3; ch += 2) { /* grey and RGB: a gradient, noise and a flat area */
        size_t w = 37, h = 23, stride = w * (size_t)ch, pos = 8, got = 0;
        uint8_t *pix = malloc(stride * h), *raw, *idat = NULL;
        size_t nidat = 0;
        int ok = 1, seen_end = 0;
        Buf b = {NULL, 0, 0, 0};
        for (size_t i = 0; i < stride * h; i++)
            pix[i] = i / stride < 8 ? (uint8_t)(i * 3) : i / stride < 16 ? (uint8_t)rng_below(&r, 256) : 200;
        CHECK(!png_encode(&b, pix, w, h, ch) && !memcmp(b.p, "\x89PNG\r\n\x1a\n", 8), "png: signature");
        while (ok && pos + 12 <= b.n && !seen_end) {
            uint32_t len = get_be32(b.p + pos), crc = crc32_update(0, b.p + pos + 4, len + 4);
            ok = get_be32(b.p + pos + 8 + len) == crc;
            if (!memcmp(b.p + pos + 4, "IHDR", 4))
                ok &= get_be32(b.p + pos + 8) == w && get_be32(b.p + pos + 12) == h && b.p[pos + 16] == 8 &&
                      b.p[pos + 17] == (ch == 3 ? 2 : 0);
            if (!memcmp(b.p + pos + 4, "IDAT", 4)) idat = b.p + pos + 8, nidat = len;
            seen_end = !memcmp(b.p + pos + 4, "IEND", 4);
            pos += 12 + len;
        }
        CHECK(ok && seen_end && pos == b.n && idat, "png (%d channels): chunks and their CRCs", ch);
        raw = idat ? zlib_inflate_test(idat, nidat, &got) : NULL;
        CHECK(raw && got == (stride + 1) * h, "png: the scanlines inflate");
        for (size_t y = 0; raw && y < h; y++) { /* undo the filters in place */
            uint8_t *row = raw + y * (stride + 1) + 1, f = row[-1];
            const uint8_t *up = y ? raw + (y - 1) * (stride + 1) + 1 : NULL;
            for (size_t i = 0; i < stride; i++) {
                int a = i >= (size_t)ch ? row[i - (size_t)ch] : 0, u = up ? up[i] : 0, c = up && i >= (size_t)ch ? up[i - (size_t)ch] : 0;
                int pa = abs(u - c), pb = abs(a - c), pc = abs(a + u - 2 * c);
                int pred = f == 0 ? 0 : f == 1 ? a : f == 2 ? u : f == 3 ? (a + u) / 2 : pa <= pb && pa <= pc ? a : pb <= pc ? u : c;
                row[i] = (uint8_t)(row[i] + pred);
            }
            ok &= f <= 4 && !memcmp(row, pix + y * stride, stride);
        }
        CHECK(raw && ok, "png (%d channels): the pixels read back", ch);
        free(raw);
        free(b.p);
        free(pix);
    }
}

/* --class-names: a model whose names name numbered classes keeps the flag
 * through its file; a bad flag or a count unlike the classes is refused. */
static void test_class_names(void)
{
    Net N, N2;
    Meta M, M2;
    Err err = {{0}, {0}};
    char *names[3] = {"cat", "dog", "emu"};
    uint8_t *buf;
    size_t len = 0, at = 0;
    CHECK(!parse_layers("4-3-2", &N, &err) && !net_alloc(&N, &err), "class names: a network");
    memset(&M, 0, sizeof M);
    M.in.div = 1;
    M.epochs = 1;
    M.names = names;
    M.nnames = 2;
    M.numbered = 1;
    buf = model_encode(&N, &M, &len);
    CHECK(buf && !model_decode(buf, len, "m", &N2, &M2, &err) && M2.numbered == 1 && M2.nnames == 2 &&
              !strcmp(M2.names[1], "dog"),
          "class names: numbered names round-trip: %s", err.msg);
    if (!err.msg[0]) {
        model_meta_free(&M2);
        free(N2.param);
    }
    for (size_t i = 0; buf && i + 12 <= len; i++)
        if (get_le32(buf + i) == 26 && get_le32(buf + i + 4) == 4 && get_le32(buf + i + 8) == 1) at = i + 8;
    CHECK(at, "class names: the numbered field is in the file");
    if (at) bad_model("numbered field of 2", buf, len, at, 2, 0, "bad numbered-names field");
    free(buf);
    M.nnames = 3;
    buf = model_encode(&N, &M, &len);
    if (buf) bad_model("3 numbered names for 2 classes", buf, len, 0, 0, 0, "3 class names for 2 classes");
    free(buf);
    free(N.param);
}

/* backprop_rows, as nn explain and the report use it: the gradient of one
 * row's cost with respect to every weight and bias (the nudge), and of a
 * class's score z with respect to every input (the saliency), against
 * central differences in double precision.  Returns the mismatches. */
static int explain_check(const char *spec, int cost_id, size_t m)
{
    Net N;
    TestData t;
    int L, bad = 0;
    float *A[NN_MAX_LAYERS], *D[NN_MAX_LAYERS], *G, *tmp, *part;
    double *P, maxg = 0, maxs = 0;
    size_t unit;
    make_net(&N, spec, cost_id, 5, 0.7);
    make_data(&t, m, N.size[0], net_classes(&N), 13);
    { /* a piecewise-linear encoding's bins from other rows: its edges are not these rows' values, where dx has a kink */
        TestData f;
        make_data(&f, 40, N.size[0], net_classes(&N), 17);
        net_fit(&N, &unit_map, &f.d);
        free_data(&f);
    }
    L = N.nl - 1, unit = N.size[L] > 1 ? 1 : 0;
    G = alloc_floats(N.nparam), tmp = alloc_floats(net_tmp(&N) + 1), part = alloc_floats(backprop_part(&N, m) + 1);
    for (int l = 0; l <= L; l++) A[l] = alloc_floats2(m, N.ld[l]), D[l] = alloc_floats2(m, N.ld[l]);
    forward_keep(&N, &unit_map, &t.d, 0, m, A, tmp);
    memset(D[L], 0, m * N.ld[L] * sizeof(float));
    TASK(&N)->error(&N, &t.d, A[L], m, N.ld[L], 0, N.size[L], NULL, D[L], NULL);
    backprop_rows(&N, m, A, D, G, tmp, part);
    P = calloc(N.nparam, sizeof(double));
    for (size_t i = 0; i < N.nparam; i++) P[i] = N.param[i];
    for (int l = 1; l <= L; l++) { /* the nudge: dC/dw, dC/db */
        const Layer *ly = &N.layer[l];
        for (size_t j = 0; j < ly->wrows; j++)
            for (size_t i = 0; i <= ly->wcols; i++) {
                size_t k = i < ly->wcols ? ly->woff + j * ly->ldw + i : ly->boff + j;
                double h = 1e-5, save = P[k], cp, cm, fd;
                if (i == ly->wcols && j >= ly->nbias) continue;
                P[k] = save + h, cp = ref_cost(&N, P, &t.d, m, 0, 0, 1);
                P[k] = save - h, cm = ref_cost(&N, P, &t.d, m, 0, 0, 1);
                P[k] = save;
                fd = (cp - cm) / (2 * h);
                maxg = fabs(fd) > maxg ? fabs(fd) : maxg;
                if (fabs(fd - G[k]) > 2e-4 + 2e-3 * fabs(fd)) {
                    if (bad < 3) printf("  %s nudge: layer %d row %zu column %zu: backprop %.8g, central difference %.8g\n", spec, l, j, i, (double)G[k], fd);
                    bad++;
                }
            }
    }
    memset(D[L], 0, m * N.ld[L] * sizeof(float)); /* the saliency: dz_unit/dx */
    for (size_t b = 0; b < m; b++) D[L][b * N.ld[L] + unit] = 1;
    backprop_rows(&N, m, A, D, NULL, tmp, part);
    ref_unit = (long)unit;
    for (size_t b = 0; b < m; b++)
        for (size_t i = 0; i < N.size[0]; i++) {
            float *x = &t.x[b * N.size[0] + i], save = *x, xp = save + 1e-3f, xm = save - 1e-3f;
            double zp, zm, fd, g = D[0][b * N.ld[0] + i];
            *x = xp, zp = ref_cost(&N, P, &t.d, m, 0, 0, 1);
            *x = xm, zm = ref_cost(&N, P, &t.d, m, 0, 0, 1);
            *x = save;
            fd = (zp - zm) / ((double)xp - (double)xm);
            maxs = fabs(fd) > maxs ? fabs(fd) : maxs;
            if (fabs(fd - g) > 1e-3 + 2e-3 * fabs(fd)) {
                if (bad < 3) printf("  %s saliency: row %zu input %zu: backprop %.8g, central difference %.8g\n", spec, b, i, g, fd);
                bad++;
            }
        }
    ref_unit = -1;
    if (maxg < 1e-3 || maxs < 1e-3) { /* a check on an all-zero gradient proves nothing */
        printf("  %s: gradient too small to check (%g, %g)\n", spec, maxg, maxs);
        bad++;
    }
    for (int l = 0; l <= L; l++) free(A[l]), free(D[l]);
    free(P), free(G), free(tmp), free(part), free(N.param), free_data(&t);
    return bad;
}

/* Inference runs the layers after a convolution that work image by image
 * (pools, batch normalisation) on each image's maps while they are in
 * cache (forward_chain): the answers are the bits of the layers run one
 * after the other, as nn explain runs them, for max and average pools of
 * every size, padded and not, Winograd's convolutions and direct ones,
 * ReLU, leaky and tanh convolutions, batch normalisation with and without
 * a pool after it, after a convolution that applies it in its stores
 * (LayerKind.affine: with its ReLU, leaky or tanh after it, alone in the
 * chain) and after one that keeps its own activation. */
static void test_forward_chain(void)
{
    static const char *const specs[] = {
        "1x12x12-6c3p1-mp2-20c3p1-mp2-10",  "2x10x10-18c3p1-ap2-17c3-mp3-7",    "3x9x9-4c5p2-mp3-24c3p1-ap3-5",
        "1x8x8-5c3p1leaky-mp2-16c3p1-mp4-3", "1x8x8-6c3p1-bn-mp2-20c3p1-bn-mp2-4", "1x16x16-8c5-mp4-16c3p1tanh-mp3-2",
        "1x8x8-6c3p1-bnleaky-20c3p1-bn-5",   "1x12x12-4c3-bn-mp2-mp5-16-bn-3",    "1x12x12-16c3p1-bn-mp2-24c3p1-bn-mp2-5",
        "2x8x8-16c3p1-bntanh-20c3-bn-ap3-3", "1x9x9-8c3p1relu-bn-mp3-4",          "1x11x11-17c3p1-bn-18c3p1-bn-3",
    };
    int bad = 0;
    for (size_t i = 0; i < sizeof specs / sizeof *specs; i++) {
        Net N;
        TestData t;
        Infer I;
        Err err;
        size_t m = 70, nL;
        float *A[NN_MAX_LAYERS], *tmp, *out;
        int L;
        make_net(&N, specs[i], COST_LOGLIK, 7 + i, 1.0);
        make_data(&t, m, N.size[0], net_classes(&N), 3 + i);
        for (int l = 1; l < N.nl; l++) /* batch normalisation's running statistics, gamma and beta, not the initial 0 and 1 */
            if (N.layer[l].kind == LAYER_BN) {
                for (size_t c = 0; c < N.layer[l].ns; c++) NET_S(&N, l)[c] = 0.3f + 0.1f * (float)(c % 7);
                for (size_t c = 0; c < N.layer[l].ic; c++)
                    NET_W(&N, l)[c * N.layer[l].ldw] = 0.7f + 0.13f * (float)(c % 5), NET_B(&N, l)[c] = 0.11f * (float)(c % 9) - 0.4f;
            }
        L = N.nl - 1, nL = N.size[L];
        tmp = alloc_floats(net_tmp(&N) + 1), out = alloc_floats(m * nL);
        for (int l = 0; l <= L; l++) A[l] = alloc_floats2(m, N.ld[l]);
        CHECK(infer_init(&I, &N, &unit_map, 1, &err) == 0, "forward_chain: buffers for %s", specs[i]);
        forward_keep(&N, &unit_map, &t.d, 0, m, A, tmp);
        forward_rows(&N, &unit_map, &t.d, 0, m, I.scratch[0], out, NULL);
        for (size_t b = 0; b < m; b++) bad += memcmp(out + b * nL, A[L] + b * N.ld[L], nL * sizeof(float)) != 0;
        for (int l = 0; l <= L; l++) free(A[l]);
        infer_free(&I), free(tmp), free(out), free(N.param), free_data(&t);
    }
    CHECK(bad == 0, "inference image by image after a convolution differs from the layers one by one in %d rows", bad);
}

/* Max pooling in training keeps where each maximum was (pool_at) and, for
 * a ReLU layer below it, applies that layer's f' itself (TRAIN_RELU_IN):
 * its outputs and its input's deltas are the bits of the search from the
 * input (inference's backward, as nn explain runs it) followed by
 * train_step's own f' pass -- on ties, zeros, negative and NaN inputs,
 * -0 and negative gradients, 1 to 33 channels, windows of 2 to 4, and
 * windows too large to keep (16 x 16: searched in training too). */
static void test_maxpool_places(void)
{
    static const char *const specs[] = {"1x6x6-mp2-3", "5x6x6-mp2-3", "16x6x6-mp3-3", "20x8x8-mp2-3", "33x8x8-mp4-3",
                                        "3x16x16-mp16-3"};
    static const float vals[] = {-1.0f, 0.0f, 0.5f, 0.5f, 2.0f, -0.0f, 0.5f, 3.0f, 0.0f};
    int bad = 0, kept = 0;
    for (size_t i = 0; i < sizeof specs / sizeof *specs; i++) {
        Net N;
        size_t m = 11;
        make_net(&N, specs[i], COST_LOGLIK, 5, 1.0);
        const Layer *ly = &N.layer[1];
        const LayerKind *K = &layer_kinds[LAYER_MAXPOOL];
        Part pt = {0, m, 0, ly->nin};
        float *X = alloc_floats2(m, ly->ldin), *Y1 = alloc_floats2(m, ly->ldout), *Y2 = alloc_floats2(m, ly->ldout);
        float *G = alloc_floats2(m, ly->ldout), *D1 = alloc_floats2(m, ly->ldin), *D2 = alloc_floats2(m, ly->ldin);
        float *D3 = alloc_floats2(m, ly->ldin), *part = ly->part ? alloc_floats2((m + NN_GROUP - 1) / NN_GROUP, ly->part) : NULL;
        uint64_t h = 12345 + i;
        kept += part != NULL;
        for (size_t b = 0; b < m; b++)
            for (size_t j = 0; j < ly->nin; j++) /* rows of ties (b < 3: every value the same), and one NaN */
                X[b * ly->ldin + j] = b < 3 ? vals[b] : b == 5 && j == 7 ? NAN : vals[splitmix64(&h) % 9];
        for (size_t b = 0; b < m; b++)
            for (size_t j = 0; j < ly->nout; j++)
                G[b * ly->ldout + j] = j % 5 == 0 ? -0.0f : (float)((int)(splitmix64(&h) % 200) - 100) / 32.0f;
        K->forward(ly, NULL, NULL, NULL, X, m, &pt, Y1, part, NULL, 1);
        K->forward(ly, NULL, NULL, NULL, X, m, &pt, Y2, NULL, NULL, 0);
        K->backward(ly, NULL, NULL, G, X, Y1, m, &pt, D1, part, NULL, 1);
        K->backward(ly, NULL, NULL, G, X, Y2, m, &pt, D2, NULL, NULL, 0);
        K->backward(ly, NULL, NULL, G, X, Y1, m, &pt, D3, part, NULL, 1 | TRAIN_RELU_IN);
        for (size_t b = 0; b < m; b++) {
            bad += memcmp(Y1 + b * ly->ldout, Y2 + b * ly->ldout, ly->nout * sizeof(float)) != 0;
            bad += memcmp(D1 + b * ly->ldin, D2 + b * ly->ldin, ly->nin * sizeof(float)) != 0;
            for (size_t j = 0; j < ly->nin; j += 256) { /* as train_step: d *= f'(a), a block at a time */
                float g[256];
                size_t n = ly->nin - j < 256 ? ly->nin - j : 256;
                act_grad(X + b * ly->ldin + j, g, n, ACT_RELU);
                for (size_t q = 0; q < n; q++) D2[b * ly->ldin + j + q] *= g[q];
            }
            bad += memcmp(D3 + b * ly->ldin, D2 + b * ly->ldin, ly->nin * sizeof(float)) != 0;
        }
        free(X), free(Y1), free(Y2), free(G), free(D1), free(D2), free(D3), free(part), free(N.param);
    }
    CHECK(bad == 0 && kept == 5, "max pooling's training pass (places kept: %d of 6 shapes; the ReLU's f' applied) gives the bits of the search: %d rows differ", kept, bad);
}

/* A convolution and its pool in training image by image (train_step's
 * chain: forward_chain hands each image's maps to the pool's row_forward,
 * backward_chain takes each image's map deltas from its row_backward)
 * give the bits of the two layers one after the other: the pool's
 * outputs and places, the convolution's partial sums and its input's
 * deltas -- 1 to 33 maps, padded and not, a kernel read in place and one
 * through im2col, a pool of 3, rows a group does not fill. */
typedef struct {
    const Layer *pool;
    float *Y, *G, *part;
} UnitChain;

static void unit_chain_fwd(const Chain *ch, float *y, size_t b)
{
    const UnitChain *c = ch->ctx;
    layer_kinds[c->pool->kind].row_forward(c->pool, y, c->Y + b * c->pool->ldout, c->part, b);
}

static void unit_chain_back(const Chain *ch, float *dy, size_t b)
{
    const UnitChain *c = ch->ctx;
    layer_kinds[c->pool->kind].row_backward(c->pool, c->G + b * c->pool->ldout, c->Y + b * c->pool->ldout, dy, c->part, b,
                                            1 | TRAIN_RELU_IN);
}

static void test_train_chain(void)
{
    static const char *const specs[] = {"1x12x12-6c3-mp2-3", "1x28x28-20c5-mp2-3", "2x10x10-33c3p1-mp2-3", "5x10x10-7c4p1-mp3-3",
                                        "20x12x12-16c5-mp2-3", "3x8x8-1c1-mp2-3"};
    int bad = 0, img = 0;
    for (size_t i = 0; i < sizeof specs / sizeof *specs; i++) {
        Net N;
        size_t m = 13, ng = (m + NN_GROUP - 1) / NN_GROUP;
        make_net(&N, specs[i], COST_LOGLIK, 40 + i, 1.0);
        const Layer *cv = &N.layer[1], *pl = &N.layer[2];
        const LayerKind *C = &layer_kinds[cv->kind], *P = &layer_kinds[pl->kind];
        Part pc = {0, m, 0, cv->nout}, pp = {0, m, 0, pl->nin};
        float *X = alloc_floats2(m, cv->ldin), *A = alloc_floats2(m, cv->ldout), *Y1 = alloc_floats2(m, pl->ldout);
        float *Y2 = alloc_floats2(m, pl->ldout), *G = alloc_floats2(m, pl->ldout), *D = alloc_floats2(m, cv->ldout);
        float *dX1 = alloc_floats2(m, cv->ldin), *dX2 = alloc_floats2(m, cv->ldin), *tmp = alloc_floats(cv->tmp + 1);
        float *pc1 = alloc_floats2(ng, cv->part), *pc2 = alloc_floats2(ng, cv->part);
        float *pp1 = alloc_floats2(ng, pl->part), *pp2 = alloc_floats2(ng, pl->part);
        uint64_t h = 777 + i;
        img += conv_wgrad_img(cv);
        for (size_t b = 0; b < m; b++) {
            for (size_t j = 0; j < cv->nin; j++) X[b * cv->ldin + j] = (float)((int)(splitmix64(&h) % 200) - 100) / 50.0f;
            for (size_t j = 0; j < pl->nout; j++) G[b * pl->ldout + j] = (float)((int)(splitmix64(&h) % 200) - 100) / 64.0f;
        }
        C->forward(cv, NET_W(&N, 1), NET_B(&N, 1), NULL, X, m, &pc, A, NULL, tmp, 1); /* layer by layer */
        P->forward(pl, NULL, NULL, NULL, A, m, &pp, Y1, pp1, NULL, 1);
        P->backward(pl, NULL, NULL, G, A, Y1, m, &pp, D, pp1, NULL, 1 | TRAIN_RELU_IN);
        C->backward(cv, NET_W(&N, 1), NULL, D, X, A, m, &pc, dX1, pc1, tmp, 1);
        {
            UnitChain u = {pl, Y2, G, pp2};
            Chain fw = {unit_chain_fwd, &u, NULL, 0}, bw = {unit_chain_back, &u, NULL, 0};
            C->forward_chain(cv, NET_W(&N, 1), NET_B(&N, 1), X, &pc, tmp, &fw, 1);
            C->backward_chain(cv, NET_W(&N, 1), X, &pc, dX2, pc2, tmp, &bw);
        }
        bad += memcmp(Y1, Y2, m * pl->ldout * sizeof(float)) != 0;
        bad += memcmp(pp1, pp2, ng * pl->part * sizeof(float)) != 0;
        bad += memcmp(pc1, pc2, ng * cv->part * sizeof(float)) != 0;
        bad += memcmp(dX1, dX2, m * cv->ldin * sizeof(float)) != 0;
        free(X), free(A), free(Y1), free(Y2), free(G), free(D), free(dX1), free(dX2), free(tmp);
        free(pc1), free(pc2), free(pp1), free(pp2), free(N.param);
    }
    CHECK(bad == 0 && img > 0 && img < 6, "a convolution and its pool image by image (%d of 6 shapes reading the image in place) give the bits of the layers one by one: %d of 24 arrays differ", img, bad);
}

static void test_explain(void)
{
    static const struct { const char *spec; int cost; size_t m; } cases[] = {
        {"6-5-3", COST_QUADRATIC, 1}, {"6-5-3", COST_CROSS_ENTROPY, 1}, {"5-7relu-6tanh-4softmax", COST_LOGLIK, 1},
        {"5-6leaky-3softmax", COST_LOGLIK, 3}, {"4-3-1", COST_CROSS_ENTROPY, 2},
        {"1x6x6-3c3p1-mp2-5relu-4softmax", COST_LOGLIK, 1}, {"2x6x8-4c3tanh-ap2-3sigmoid", COST_QUADRATIC, 2},
        {"1x8x8-2c3relu-mp2-3c2sigmoid-6leaky-3softmax", COST_LOGLIK, 3}, {"3-ple4-5relu-3softmax", COST_LOGLIK, 3},
        {"4-ple3-6tanh-ple2-2sigmoid", COST_CROSS_ENTROPY, 2}, {"3-ple4v-5relu-3softmax", COST_LOGLIK, 3},
    };
    for (size_t s = 0; s < sizeof cases / sizeof *cases; s++) {
        int bad = explain_check(cases[s].spec, cases[s].cost, cases[s].m);
        CHECK(bad == 0, "explain's gradients on %s %s, %zu rows: %d mismatches", cases[s].spec, cost_name(cases[s].cost), cases[s].m, bad);
    }
}

/* A training table's missing numbers take the mean of the rows trained on
 * alone: validation and fold rows neither shape it nor keep their NaN. */
static void test_fill_missing(void)
{
    Column col[3];
    Table tab = {3, col, MISS_MEAN};
    float tr[4 * 3] = {1, 0, NAN, 3, 1, 10, NAN, 0, 20, 5, 1, NAN}; /* a number, a category of 2, a number */
    float va[2 * 3] = {NAN, 1, 1000, 2000, 0, NAN};
    Data dt, dv;
    memset(col, 0, sizeof col), memset(&dt, 0, sizeof dt), memset(&dv, 0, sizeof dv);
    col[0].kind = COL_NUMBER, col[0].fill = -7, col[1].kind = COL_CATEGORY, col[1].ncat = 1, col[2].kind = COL_NUMBER, col[2].fill = -9;
    /* (the category of one level: 1 unit here, so the second number is at 2) */
    dt.n = 4, dt.d = 3, dt.xf = tr, dt.own_x = tr;
    dv.n = 2, dv.d = 3, dv.xf = va, dv.own_x = va;
    fill_missing(&tab, 0, &dt, &dv, NULL);
    CHECK(tr[6] == 3.0f && va[0] == 3.0f && tr[2] == 15.0f && tr[11] == 15.0f && va[5] == 15.0f && va[2] == 1000 && va[3] == 2000,
          "fill_missing: the training rows' means (3, 15) fill every gap: %g %g %g %g %g", tr[6], va[0], tr[2], tr[11], va[5]);
    CHECK(col[0].fill == -7 && col[2].fill == -9, "fill_missing without keep leaves the table's fill values");
    tr[6] = NAN;
    fill_missing(&tab, 1, &dt, NULL, NULL);
    CHECK(col[0].fill == 3.0f && col[2].fill == 15.0f && tr[6] == 3.0f, "fill_missing with keep stores the means: %g %g", col[0].fill, col[2].fill);
}

/* nn's main flushes subnormals (NN_FLUSH_SUBNORMALS): Adam's second moment
 * of a weight whose gradient has stopped decays to zero through normal
 * numbers only (each subnormal would cost a microcode assist per use).
 * Run last: it changes this thread's floating-point mode. */
static void test_flush_subnormals(void)
{
#if defined(__SSE2__) || defined(__x86_64__)
    Trainer T;
    memset(&T, 0, sizeof T);
    T.optimizer = OPT_ADAM, T.eta = 0.001f, T.beta1 = 0.9f, T.beta2 = 0.999f, T.epsilon = 1e-8f;
    NN_FLUSH_SUBNORMALS();
    float w[1] = {0.5f}, g[1] = {0.01f}, s1[1] = {0}, s2[1] = {0};
    int sub = 0;
    opt_step(&T, w, g, s1, s2, 1, 1.0f, 0.0f, 1);
    g[0] = 0;
    for (uint64_t k = 2; k < 200000 && s2[0] != 0; k++) {
        opt_step(&T, w, g, s1, s2, 1, 1.0f, 0.0f, k);
        sub += fpclassify(s1[0]) == FP_SUBNORMAL || fpclassify(s2[0]) == FP_SUBNORMAL;
    }
    CHECK(s1[0] == 0 && s2[0] == 0 && sub == 0 && isfinite(w[0]),
          "subnormals flushed: Adam's moments of a weight whose gradient stopped decay to 0 with no subnormal on the way (%d subnormal steps)", sub);
#endif
}

int main(void)
{
    test_gradients();
    if (NN_FAULT) { /* a faulty build only runs the gradient check, which must fail */
        printf("unit (NN_FAULT=%d): %d passed, %d failed\n", NN_FAULT, passed, failed);
        return failed ? 1 : 0;
    }
    test_kernels();
    test_optimizers();
    test_thread_determinism();
    test_parsers();
    test_model_file();
    test_model_fields();
    test_loaders();
    test_png();
    test_class_names();
    test_explain();
    test_forward_chain();
    test_maxpool_places();
    test_train_chain();
    test_fill_missing();
    test_flush_subnormals();
    printf("unit (%s kernels): %d passed, %d failed\n", NN_SIMD, passed, failed);
    return failed ? 1 : 0;
}
