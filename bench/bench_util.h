/* bench_util.h: what every benchmark shares: the clock, percentiles, the RESULT lines. */
#ifndef AYNI_BENCH_UTIL_H
#define AYNI_BENCH_UTIL_H

#include <stddef.h>

/* Seconds on the monotonic clock. */
double bench_now(void);
/* The p-th percentile (0..100) of v[0..n-1], which it sorts; 0 if n is 0. */
double bench_percentile(double *v, size_t n, double p);
/* One result line for bench/run: RESULT<TAB>key<TAB>value<TAB>unit. */
void bench_result(const char *key, double value, const char *unit);
/* The program's name, for its messages (main sets it). */
extern const char *bench_prog;
/* "PROG: message" on standard error, then exit(status): 1 for a failure, 2 for wrong usage. */
void bench_exit(int status, const char *fmt, ...) __attribute__((noreturn, format(printf, 2, 3)));
/* The median of v[0..n-1] (sorts it). */
double bench_median(double *v, size_t n);

#endif
