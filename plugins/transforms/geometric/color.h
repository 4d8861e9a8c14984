/* Colour conversions of ColorSpace/ChannelExtraction, OpenCV conventions.
 * Internal. Values are on the "unit" scale: RGB in [0, 1]; H in degrees
 * [0, 360), S, V, L in [0, 1]; Y, Cr, Cb in [0, 1] with chroma offset 0.5;
 * CIE L* in [0, 100], a*, b*, u*, v* unscaled (sRGB gamma, D65 white).
 * 8-bit data is packed as OpenCV does (H / 2, x 255, L* x 255 / 100,
 * a*, b* + 128, u* and v* shifted and scaled into [0, 255]). */
#ifndef N2D2_GEO_COLOR_H
#define N2D2_GEO_COLOR_H

typedef enum geo_space {
    GEO_RGB, GEO_HSV, GEO_HLS, GEO_YCRCB, GEO_LAB, GEO_LUV
} geo_space;

/* rgb[3] (unit) → out[3] (unit scale of `to`). */
void geo_from_rgb(geo_space to, const double *rgb, double *out);
/* in[3] (unit scale of `from`) → rgb[3] (unit). */
void geo_to_rgb(geo_space from, const double *in, double *rgb);
/* 8-bit packing of a unit-scale triple of `space`, and back. */
void geo_pack8(geo_space space, const double *unit, double *packed);
void geo_unpack8(geo_space space, const double *packed, double *unit);

#endif
