/* Compiled by tests/cli.sh against a header from `nn export --c`: reads CSV
 * rows of NN_INPUTS features on stdin and prints "label,p0,p1,..." per row,
 * as a firmware user would call nn_predict() (with -DNN_WORK,
 * nn_predict_work() and a static workspace). */
#include <stdio.h>
#include <stdlib.h>
#include NN_HEADER

int main(void)
{
    float in[NN_INPUTS], out[NN_OUTPUTS];
    for (;;) {
        int label;
        for (int i = 0; i < NN_INPUTS; i++)
            if (scanf(i ? ",%f" : "%f", &in[i]) != 1) return 0;
#ifdef NN_WORK /* the caller's workspace, off the stack */
        static float work[NN_WORKSPACE_FLOATS];
        label = nn_predict_work(in, out, work);
#else
        label = nn_predict(in, out);
#endif
        printf("%d", label);
        for (int k = 0; k < NN_OUTPUTS; k++) printf(",%.9g", (double)out[k]);
        printf("\n");
    }
}
