// The OpenCV side of image_io.h. OpenCV 4 has no C API, so this is the one
// C++ file of the database plugins; no exception may leave it.
#include "image_io.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <exception>
#include <vector>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

namespace {

n2d2_status read_bytes(const char *path, std::vector<unsigned char> &bytes)
{
    FILE *f = std::fopen(path, "rb");
    if (!f)
        return n2d2_error(errno == ENOENT ? N2D2_ERR_NOT_FOUND : N2D2_ERR_IO,
                          "%s: cannot open image: %s", path, std::strerror(errno));
    unsigned char chunk[65536];
    size_t got;
    while ((got = std::fread(chunk, 1, sizeof chunk, f)) > 0)
        bytes.insert(bytes.end(), chunk, chunk + got);
    int failed = std::ferror(f);
    std::fclose(f);
    if (failed)
        return n2d2_error(N2D2_ERR_IO, "%s: read error after %zu bytes", path, bytes.size());
    return N2D2_OK;
}

// Interleaved HxWxC rows of type T into planar {C, H, W} of type U, times scale.
template <typename T, typename U>
void to_planar(const cv::Mat &m, U *dst, double scale)
{
    const size_t c = (size_t)m.channels(), h = (size_t)m.rows, w = (size_t)m.cols;
    for (size_t y = 0; y < h; ++y) {
        const T *row = m.ptr<T>((int)y);
        for (size_t x = 0; x < w; ++x)
            for (size_t k = 0; k < c; ++k)
                dst[(k * h + y) * w + x] = scale == 1.0 ? (U)row[x * c + k]
                                                        : (U)(row[x * c + k] * scale);
    }
}

n2d2_status mat_to_tensor(const char *path, const cv::Mat &m, n2d2_tensor **out)
{
    n2d2_dtype dtype;
    switch (m.depth()) {
    case CV_8U: dtype = N2D2_UINT8; break;
    case CV_8S: dtype = N2D2_INT8; break;
    case CV_16U: case CV_16S: case CV_32F: dtype = N2D2_FLOAT32; break;
    case CV_32S: case CV_64F: dtype = N2D2_FLOAT64; break;
    default:
        return n2d2_error(N2D2_ERR_UNSUPPORTED, "%s: unsupported pixel depth (OpenCV depth %d)",
                          path, m.depth());
    }
    size_t dims[3] = {(size_t)m.channels(), (size_t)m.rows, (size_t)m.cols};
    n2d2_status st = n2d2_tensor_new(dtype, 3, dims, out);
    if (st != N2D2_OK)
        return st;
    void *d = n2d2_tensor_data(*out);
    switch (m.depth()) {
    case CV_8U: to_planar<uint8_t>(m, (uint8_t *)d, 1.0); break;
    case CV_8S: to_planar<int8_t>(m, (int8_t *)d, 1.0); break;
    case CV_16U: to_planar<uint16_t>(m, (float *)d, 1.0 / 65535.0); break;
    case CV_16S: to_planar<int16_t>(m, (float *)d, 1.0 / 32767.0); break;
    case CV_32S: to_planar<int32_t>(m, (double *)d, 1.0 / 2147483647.0); break;
    case CV_32F: to_planar<float>(m, (float *)d, 1.0); break;
    default: to_planar<double>(m, (double *)d, 1.0); break;
    }
    return N2D2_OK;
}

} // namespace

extern "C" n2d2_status n2d2_dbimg_read(const char *path, n2d2_tensor **out)
{
    *out = nullptr;
    try {
        std::vector<unsigned char> bytes;
        n2d2_status st = read_bytes(path, bytes);
        if (st != N2D2_OK)
            return st;
        if (bytes.empty())
            return n2d2_error(N2D2_ERR_PARSE, "%s: empty file, not an image", path);
        cv::Mat m = cv::imdecode(bytes, cv::IMREAD_UNCHANGED);
        if (m.empty())
            return n2d2_error(N2D2_ERR_PARSE,
                              "%s: not a readable image (unknown format, or corrupt/truncated "
                              "data; %zu bytes)", path, bytes.size());
        if (m.dims != 2 || m.channels() < 1)
            return n2d2_error(N2D2_ERR_PARSE, "%s: decoded image is not 2-D", path);
        if (m.depth() == CV_16F) {
            cv::Mat f;
            m.convertTo(f, CV_32F);
            m = f;
        }
        return mat_to_tensor(path, m, out);
    } catch (const std::exception &e) {
        if (*out) {
            n2d2_tensor_release(*out);
            *out = nullptr;
        }
        return n2d2_error(N2D2_ERR_PARSE, "%s: cannot decode image: %s", path, e.what());
    } catch (...) {
        if (*out) {
            n2d2_tensor_release(*out);
            *out = nullptr;
        }
        return n2d2_error(N2D2_ERR_INTERNAL, "%s: unknown error while decoding", path);
    }
}

extern "C" n2d2_status n2d2_dbimg_write(const char *path, n2d2_dbimg_depth depth, size_t channels,
                                        size_t height, size_t width, const void *chw)
{
    if (channels < 1 || channels > 4 || height < 1 || width < 1)
        return n2d2_error(N2D2_ERR_INVAL, "%s: cannot write a %zux%zux%zu image", path, channels,
                          height, width);
    static const int depths[3] = {CV_8U, CV_16U, CV_32F};
    static const size_t sizes[3] = {1, 2, 4};
    if ((unsigned)depth > 2)
        return n2d2_error(N2D2_ERR_INVAL, "%s: unknown sample format %d", path, (int)depth);
    try {
        cv::Mat m((int)height, (int)width, CV_MAKETYPE(depths[depth], (int)channels));
        const unsigned char *src = (const unsigned char *)chw;
        const size_t es = sizes[depth];
        for (size_t y = 0; y < height; ++y) {
            unsigned char *row = m.ptr<unsigned char>((int)y);
            for (size_t x = 0; x < width; ++x)
                for (size_t k = 0; k < channels; ++k)
                    std::memcpy(row + (x * channels + k) * es,
                                src + ((k * height + y) * width + x) * es, es);
        }
        // Float TIFF defaults to lossy LogLuv for 3 channels: store it raw.
        std::vector<int> flags;
        if (depth == N2D2_DBIMG_F32)
            flags = {cv::IMWRITE_TIFF_COMPRESSION, 1};
        if (!cv::imwrite(path, m, flags))
            return n2d2_error(N2D2_ERR_IO, "%s: cannot write image", path);
        return N2D2_OK;
    } catch (const std::exception &e) {
        return n2d2_error(N2D2_ERR_IO, "%s: cannot write image: %s", path, e.what());
    }
}
