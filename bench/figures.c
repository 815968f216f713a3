/* Figures: named sample lists (group, runtime, metric) and their
 * statistics.  p90 is the nearest-rank percentile; the median of an even
 * count is the mean of the two middle samples. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench/hbench.h"

static struct figure **figs;
static size_t nfigs;

struct figure *fig_find(const char *group, const char *runtime,
			const char *metric)
{
	for (size_t i = 0; i < nfigs; i++)
		if (!strcmp(figs[i]->group, group) &&
		    !strcmp(figs[i]->runtime, runtime) &&
		    !strcmp(figs[i]->metric, metric))
			return figs[i];
	return NULL;
}

struct figure *fig(const char *group, const char *runtime, const char *metric,
		   const char *unit)
{
	struct figure *f = fig_find(group, runtime, metric);

	if (f)
		return f;
	f = calloc(1, sizeof(*f));
	figs = realloc(figs, (nfigs + 1) * sizeof(*figs));
	if (!f || !figs)
		abort();
	snprintf(f->group, sizeof(f->group), "%s", group);
	snprintf(f->runtime, sizeof(f->runtime), "%s", runtime);
	snprintf(f->metric, sizeof(f->metric), "%s", metric);
	snprintf(f->unit, sizeof(f->unit), "%s", unit);
	figs[nfigs++] = f;
	return f;
}

void fig_add(struct figure *f, double v)
{
	if (f->n == f->cap) {
		f->cap = f->cap ? 2 * f->cap : 64;
		f->v = realloc(f->v, f->cap * sizeof(double));
		if (!f->v)
			abort();
	}
	f->v[f->n++] = v;
}

void add(const char *group, const char *runtime, const char *metric,
	 const char *unit, double v)
{
	fig_add(fig(group, runtime, metric, unit), v);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

bool fig_stats(const struct figure *f, struct stats *s)
{
	double *v, sum = 0;
	size_t n = f ? f->n : 0, k;

	*s = (struct stats){0};
	if (!n)
		return false;
	v = malloc(n * sizeof(double));
	if (!v)
		abort();
	memcpy(v, f->v, n * sizeof(double));
	qsort(v, n, sizeof(double), cmp_double);
	for (size_t i = 0; i < n; i++)
		sum += v[i];
	s->n = n;
	s->min = v[0];
	s->max = v[n - 1];
	s->mean = sum / (double)n;
	s->median = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
	k = (size_t)ceil(0.9 * (double)n);
	s->p90 = v[(k ? k : 1) - 1];
	free(v);
	return true;
}

double fig_median(const char *group, const char *runtime, const char *metric)
{
	struct stats s;

	return fig_stats(fig_find(group, runtime, metric), &s) ? s.median : NAN;
}

struct figure **fig_all(size_t *n)
{
	*n = nfigs;
	return figs;
}
