/* CReadStat: ReadStat (libreadstat-dev), the reader and writer of SPSS .sav and Stata .dta files. */
#ifndef ALLIANCE_CREADSTAT_SHIM_H
#define ALLIANCE_CREADSTAT_SHIM_H
#include <readstat.h>
#endif
