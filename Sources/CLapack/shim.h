/*
 * CLapack: the BLAS and LAPACK routines alliance calls.
 *
 * BLAS comes through the CBLAS interface that libblas-dev installs (<cblas.h>).
 * Debian's liblapack-dev ships no C header, so the LAPACK routines are declared here by hand,
 * following the gfortran calling convention on LP64 systems:
 *   - every argument is passed by pointer; integers are 32-bit;
 *   - matrices are column-major with a leading dimension;
 *   - every CHARACTER argument has a hidden length argument of type size_t, appended at the very
 *     end of the argument list in the order the characters appear (gfortran >= 8). Callers always
 *     pass 1 for each. Leaving these out is undefined behaviour (see Reference-LAPACK PR #561).
 */
#ifndef ALLIANCE_CLAPACK_SHIM_H
#define ALLIANCE_CLAPACK_SHIM_H

#include <stddef.h>
#include <cblas.h>

/* Cholesky factorization of a symmetric positive definite matrix, and its uses. */
void dpotrf_(const char *uplo, const int *n, double *a, const int *lda, int *info,
             size_t uplo_len);
void dpotrs_(const char *uplo, const int *n, const int *nrhs, const double *a, const int *lda,
             double *b, const int *ldb, int *info, size_t uplo_len);
void dpotri_(const char *uplo, const int *n, double *a, const int *lda, int *info,
             size_t uplo_len);

/* Inverse of a triangular matrix. */
void dtrtri_(const char *uplo, const char *diag, const int *n, double *a, const int *lda,
             int *info, size_t uplo_len, size_t diag_len);

/* QR factorization with column pivoting, and forming Q from its reflectors. */
void dgeqp3_(const int *m, const int *n, double *a, const int *lda, int *jpvt, double *tau,
             double *work, const int *lwork, int *info);
void dorgqr_(const int *m, const int *n, const int *k, double *a, const int *lda,
             const double *tau, double *work, const int *lwork, int *info);

/* Symmetric eigendecomposition by relatively robust representations. */
void dsyevr_(const char *jobz, const char *range, const char *uplo, const int *n, double *a,
             const int *lda, const double *vl, const double *vu, const int *il, const int *iu,
             const double *abstol, int *m, double *w, double *z, const int *ldz, int *isuppz,
             double *work, const int *lwork, int *iwork, const int *liwork, int *info,
             size_t jobz_len, size_t range_len, size_t uplo_len);

/* Singular value decomposition by divide and conquer. */
void dgesdd_(const char *jobz, const int *m, const int *n, double *a, const int *lda, double *s,
             double *u, const int *ldu, double *vt, const int *ldvt, double *work,
             const int *lwork, int *iwork, int *info, size_t jobz_len);

/* LU factorization with partial pivoting, and solving with it. */
void dgetrf_(const int *m, const int *n, double *a, const int *lda, int *ipiv, int *info);
void dgetrs_(const char *trans, const int *n, const int *nrhs, const double *a, const int *lda,
             const int *ipiv, double *b, const int *ldb, int *info, size_t trans_len);

#endif
