/* CNLopt: the NLopt optimization library (libnlopt-dev). alliance uses its BOBYQA. */
#ifndef ALLIANCE_CNLOPT_SHIM_H
#define ALLIANCE_CNLOPT_SHIM_H
#include <nlopt.h>
#endif
