/* Colour-space formulas (OpenCV's documented cvtColor conventions). */
#include <math.h>

#include "color.h"

static double max3(double a, double b, double c)
{
    return a > b ? (a > c ? a : c) : (b > c ? b : c);
}
static double min3(double a, double b, double c)
{
    return a < b ? (a < c ? a : c) : (b < c ? b : c);
}

static double hue(double r, double g, double b, double vmax, double d)
{
    if (d <= 0.0)
        return 0.0;
    double h = vmax == r ? 60.0 * (g - b) / d : vmax == g ? 120.0 + 60.0 * (b - r) / d
                                                          : 240.0 + 60.0 * (r - g) / d;
    return h < 0.0 ? h + 360.0 : h;
}

/* sRGB companding and the D65 white point. */
static double lin(double c) { return c <= 0.04045 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4); }
static double gam(double c)
{
    return c <= 0.0031308 ? 12.92 * c : 1.055 * pow(c, 1.0 / 2.4) - 0.055;
}
static const double XN = 0.950456, ZN = 1.088754;

static void rgb_to_xyz(const double *rgb, double *xyz)
{
    double r = lin(rgb[0]), g = lin(rgb[1]), b = lin(rgb[2]);
    xyz[0] = 0.412453 * r + 0.357580 * g + 0.180423 * b;
    xyz[1] = 0.212671 * r + 0.715160 * g + 0.072169 * b;
    xyz[2] = 0.019334 * r + 0.119193 * g + 0.950227 * b;
}

static void xyz_to_rgb(const double *xyz, double *rgb)
{
    double x = xyz[0], y = xyz[1], z = xyz[2];
    double r = 3.240479 * x - 1.53715 * y - 0.498535 * z;
    double g = -0.969256 * x + 1.875991 * y + 0.041556 * z;
    double b = 0.055648 * x - 0.204043 * y + 1.057311 * z;
    rgb[0] = gam(r < 0 ? 0 : r);
    rgb[1] = gam(g < 0 ? 0 : g);
    rgb[2] = gam(b < 0 ? 0 : b);
}

static double lab_f(double t) { return t > 0.008856 ? cbrt(t) : 7.787 * t + 16.0 / 116.0; }
static double lab_finv(double f)
{
    return f > 0.206893 ? f * f * f : (f - 16.0 / 116.0) / 7.787;
}

void geo_from_rgb(geo_space to, const double *rgb, double *out)
{
    double r = rgb[0], g = rgb[1], b = rgb[2];
    double vmax = max3(r, g, b), vmin = min3(r, g, b), d = vmax - vmin;
    switch (to) {
    case GEO_RGB:
        out[0] = r, out[1] = g, out[2] = b;
        break;
    case GEO_HSV:
        out[0] = hue(r, g, b, vmax, d);
        out[1] = vmax > 0.0 ? d / vmax : 0.0;
        out[2] = vmax;
        break;
    case GEO_HLS: {
        double l = (vmax + vmin) / 2.0;
        out[0] = hue(r, g, b, vmax, d);
        out[1] = l;
        out[2] = d <= 0.0 ? 0.0 : l < 0.5 ? d / (vmax + vmin) : d / (2.0 - vmax - vmin);
        break;
    }
    case GEO_YCRCB: {
        double y = 0.299 * r + 0.587 * g + 0.114 * b;
        out[0] = y;
        out[1] = (r - y) * 0.713 + 0.5;
        out[2] = (b - y) * 0.564 + 0.5;
        break;
    }
    case GEO_LAB: {
        double xyz[3];
        rgb_to_xyz(rgb, xyz);
        double fx = lab_f(xyz[0] / XN), fy = lab_f(xyz[1]), fz = lab_f(xyz[2] / ZN);
        out[0] = xyz[1] > 0.008856 ? 116.0 * cbrt(xyz[1]) - 16.0 : 903.3 * xyz[1];
        out[1] = 500.0 * (fx - fy);
        out[2] = 200.0 * (fy - fz);
        break;
    }
    case GEO_LUV: {
        double xyz[3];
        rgb_to_xyz(rgb, xyz);
        double l = xyz[1] > 0.008856 ? 116.0 * cbrt(xyz[1]) - 16.0 : 903.3 * xyz[1];
        double den = xyz[0] + 15.0 * xyz[1] + 3.0 * xyz[2];
        double un = 4.0 * XN / (XN + 15.0 + 3.0 * ZN), vn = 9.0 / (XN + 15.0 + 3.0 * ZN);
        double u = den > 0.0 ? 4.0 * xyz[0] / den : un, v = den > 0.0 ? 9.0 * xyz[1] / den : vn;
        out[0] = l;
        out[1] = 13.0 * l * (u - un);
        out[2] = 13.0 * l * (v - vn);
        break;
    }
    }
}

static void hsv_to_rgb(double h, double s, double v, double *rgb)
{
    double c = v * s, hp = fmod(h, 360.0) / 60.0;
    if (hp < 0.0)
        hp += 6.0;
    double x = c * (1.0 - fabs(fmod(hp, 2.0) - 1.0)), m = v - c, r, g, b;
    int sector = (int)hp;
    switch (sector) {
    case 0: r = c, g = x, b = 0; break;
    case 1: r = x, g = c, b = 0; break;
    case 2: r = 0, g = c, b = x; break;
    case 3: r = 0, g = x, b = c; break;
    case 4: r = x, g = 0, b = c; break;
    default: r = c, g = 0, b = x; break;
    }
    rgb[0] = r + m, rgb[1] = g + m, rgb[2] = b + m;
}

void geo_to_rgb(geo_space from, const double *in, double *rgb)
{
    switch (from) {
    case GEO_RGB:
        rgb[0] = in[0], rgb[1] = in[1], rgb[2] = in[2];
        break;
    case GEO_HSV:
        hsv_to_rgb(in[0], in[1], in[2], rgb);
        break;
    case GEO_HLS: {
        /* HLS as HSV: V = L + S min(L, 1 - L), S_v = 2 (1 - L / V). */
        double l = in[1], s = in[2];
        double v = l + s * (l < 1.0 - l ? l : 1.0 - l);
        hsv_to_rgb(in[0], v > 0.0 ? 2.0 * (1.0 - l / v) : 0.0, v, rgb);
        break;
    }
    case GEO_YCRCB: {
        double y = in[0], cr = in[1] - 0.5, cb = in[2] - 0.5;
        rgb[0] = y + 1.403 * cr;
        rgb[1] = y - 0.714 * cr - 0.344 * cb;
        rgb[2] = y + 1.773 * cb;
        break;
    }
    case GEO_LAB: {
        double l = in[0];
        double y = l > 8.0 ? pow((l + 16.0) / 116.0, 3.0) : l / 903.3;
        double fy = lab_f(y);
        double xyz[3] = {XN * lab_finv(fy + in[1] / 500.0), y, ZN * lab_finv(fy - in[2] / 200.0)};
        xyz_to_rgb(xyz, rgb);
        break;
    }
    case GEO_LUV: {
        double l = in[0];
        double y = l > 8.0 ? pow((l + 16.0) / 116.0, 3.0) : l / 903.3;
        double un = 4.0 * XN / (XN + 15.0 + 3.0 * ZN), vn = 9.0 / (XN + 15.0 + 3.0 * ZN);
        double xyz[3] = {0.0, y, 0.0};
        if (l > 0.0) {
            double u = in[1] / (13.0 * l) + un, v = in[2] / (13.0 * l) + vn;
            xyz[0] = y * 9.0 * u / (4.0 * v);
            xyz[2] = y * (12.0 - 3.0 * u - 20.0 * v) / (4.0 * v);
        }
        xyz_to_rgb(xyz, rgb);
        break;
    }
    }
}

void geo_pack8(geo_space space, const double *u, double *p)
{
    switch (space) {
    case GEO_HSV:
    case GEO_HLS:
        p[0] = u[0] / 2.0, p[1] = u[1] * 255.0, p[2] = u[2] * 255.0;
        break;
    case GEO_LAB:
        p[0] = u[0] * 255.0 / 100.0, p[1] = u[1] + 128.0, p[2] = u[2] + 128.0;
        break;
    case GEO_LUV:
        p[0] = u[0] * 255.0 / 100.0;
        p[1] = (u[1] + 134.0) * 255.0 / 354.0;
        p[2] = (u[2] + 140.0) * 255.0 / 262.0;
        break;
    default:
        p[0] = u[0] * 255.0, p[1] = u[1] * 255.0, p[2] = u[2] * 255.0;
        break;
    }
}

void geo_unpack8(geo_space space, const double *p, double *u)
{
    switch (space) {
    case GEO_HSV:
    case GEO_HLS:
        u[0] = p[0] * 2.0, u[1] = p[1] / 255.0, u[2] = p[2] / 255.0;
        break;
    case GEO_LAB:
        u[0] = p[0] * 100.0 / 255.0, u[1] = p[1] - 128.0, u[2] = p[2] - 128.0;
        break;
    case GEO_LUV:
        u[0] = p[0] * 100.0 / 255.0;
        u[1] = p[1] * 354.0 / 255.0 - 134.0;
        u[2] = p[2] * 262.0 / 255.0 - 140.0;
        break;
    default:
        u[0] = p[0] / 255.0, u[1] = p[1] / 255.0, u[2] = p[2] / 255.0;
        break;
    }
}
