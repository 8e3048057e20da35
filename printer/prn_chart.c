/* prn_chart.c: a horizontal bar chart drawn with libharu paths — category labels on
 * the left, bars on a scale of round numbers with grid lines and an axis, the
 * value at the end of each bar.  Horizontal, because item and region names are
 * long and must stay readable.  A chart is never split across pages.
 */
#include "prn_int.h"

#include <stdio.h>
#include <string.h>

#define BAR_H 10.0f
#define BAR_GAP 4.0f
#define VALUE_W 44.0f /* room right of the longest bar for its value */

/* A round step for an axis up to max, about five ticks. */
static long
s_step(long max)
{
    double raw = (double)max / 5.0, mag = 1;
    while (mag * 10 <= raw)
        mag *= 10;
    long step = (long)(raw <= mag ? mag : raw <= 2 * mag ? 2 * mag : raw <= 5 * mag ? 5 * mag
                                                                                    : 10 * mag);
    return step < 1 ? 1 : step;
}

static float
s_label_w(struct prn_doc *d, float w, const struct prn_bar *bars, size_t n)
{
    float lw = 40;
    for (size_t i = 0; i < n; i++) {
        float x = prn__width(d, PRN_BODY, bars[i].label, strlen(bars[i].label)) + 8;
        lw = x > lw ? x : lw;
    }
    return lw > w * 0.38f ? w * 0.38f : lw;
}

static void
s_axis(struct prn_flow *f, float x0, float bw, float top, float bottom, long axmax, long step)
{
    char buf[32];
    for (long v = 0; v <= axmax; v += step) {
        float x = x0 + bw * (float)v / (float)axmax;
        prn__rule(f->pg, x, top, x, bottom, 0.3f, v ? 0.82f : 0.2f);
        prn__text(f->d, f->pg, x, bottom - 9, PRN_CENTER, PRN_STYLE(6.5f, false, 0.3f),
                  prn__qty(buf, sizeof buf, v));
    }
    prn__rule(f->pg, x0, bottom, x0 + bw, bottom, 0.6f, 0.2f);
}

void
prn__bar_chart(struct prn_flow *f, const char *es, const char *en, const struct prn_bar *bars,
               size_t n)
{
    struct prn_doc *d = f->d;
    float w = f->right - f->left, h = 20 + (float)n * (BAR_H + BAR_GAP) + 24;
    prn__flow_need(f, h + (n ? 0 : 14));
    prn__label(d, f->pg, f->left, f->y - 9, 9, es, en);
    f->y -= 18;
    if (n == 0) {
        prn__text(d, f->pg, f->left, f->y - 8, PRN_LEFT, PRN_SUB, "Sin datos / No data");
        f->y -= 20;
        return;
    }
    long max = 1;
    for (size_t i = 0; i < n; i++)
        max = bars[i].value > max ? bars[i].value : max;
    long step = s_step(max), axmax = (max + step - 1) / step * step;
    float lw = s_label_w(d, w, bars, n), x0 = f->left + lw, bw = w - lw - VALUE_W;
    float top = f->y, bottom = top - (float)n * (BAR_H + BAR_GAP) - BAR_GAP;
    s_axis(f, x0, bw, top, bottom, axmax, step);
    for (size_t i = 0; i < n; i++) {
        float y = top - BAR_GAP - (float)i * (BAR_H + BAR_GAP);
        float len = bw * (float)(bars[i].value < 0 ? 0 : bars[i].value) / (float)axmax;
        char buf[32];
        prn__para(d, f->pg, f->left, y + 0.5f, lw - 6, PRN_RIGHT, PRN_BODY, bars[i].label, 1);
        prn__fill(f->pg, x0, y - BAR_H, len, BAR_H, 0.38f);
        prn__text(d, f->pg, x0 + len + 3, y - BAR_H + 2.5f, PRN_LEFT, PRN_BOLD,
                  prn__qty(buf, sizeof buf, bars[i].value));
    }
    f->y = bottom - 20;
}
