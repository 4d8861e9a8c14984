/* n2d2/export.h — symbol visibility for the kernel and for plugins.
 *
 * The kernel is built with -fvisibility=hidden; only symbols marked N2D2_API
 * are part of libn2d2's ABI. A plugin marks its single entry point with
 * N2D2_PLUGIN_EXPORT (done for you by N2D2_PLUGIN_DEFINE). */
#ifndef N2D2_EXPORT_H
#define N2D2_EXPORT_H

#if defined(_WIN32)
#  ifdef N2D2_BUILDING_KERNEL
#    define N2D2_API __declspec(dllexport)
#  else
#    define N2D2_API __declspec(dllimport)
#  endif
#  define N2D2_PLUGIN_EXPORT __declspec(dllexport)
#else
#  define N2D2_API __attribute__((visibility("default")))
#  define N2D2_PLUGIN_EXPORT __attribute__((visibility("default")))
#endif

#if defined(__GNUC__) || defined(__clang__)
#  define N2D2_PRINTF(fmt_idx, first_arg) __attribute__((format(printf, fmt_idx, first_arg)))
#else
#  define N2D2_PRINTF(fmt_idx, first_arg)
#endif

#ifdef __cplusplus
#  define N2D2_BEGIN_DECLS extern "C" {
#  define N2D2_END_DECLS }
#else
#  define N2D2_BEGIN_DECLS
#  define N2D2_END_DECLS
#endif

#endif
