/*
 * CGSL: the parts of the GNU Scientific Library (libgsl-dev) alliance uses: cumulative distribution
 * functions and their inverses, random number generators and random variates, one-dimensional root
 * finding (Brent's method), quantiles of sorted samples, and the error handler
 * switch (GSL's default handler aborts the process; alliance turns it off and checks results itself).
 */
#ifndef ALLIANCE_CGSL_SHIM_H
#define ALLIANCE_CGSL_SHIM_H
#include <gsl/gsl_errno.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_sf_gamma.h>
#include <gsl/gsl_roots.h>
#include <gsl/gsl_statistics_double.h>

/* GSL exposes its generator types as mutable global pointers, which Swift 6 refuses to read from
   concurrent code; this accessor returns the (never modified) Mersenne Twister type. */
static inline const gsl_rng_type *alliance_gsl_rng_mt19937(void) { return gsl_rng_mt19937; }
/* The same for Brent's root-finding method. */
static inline const gsl_root_fsolver_type *alliance_gsl_root_fsolver_brent(void) { return gsl_root_fsolver_brent; }
#endif
