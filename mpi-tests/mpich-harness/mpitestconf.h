/*
 * mpitestconf.h - written for Brazos (not copied from MPICH).
 * MPICH's configure generates this header; the tests here only look at these.
 */
#ifndef MPITESTCONF_H_INCLUDED
#define MPITESTCONF_H_INCLUDED
#define HAVE_STDLIB_H 1
#define HAVE_STRING_H 1
#define HAVE_STDARG_H 1
#define HAVE_UNISTD_H 1
#endif
