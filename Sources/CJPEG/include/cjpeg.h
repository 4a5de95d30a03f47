#pragma once
// JPEG shim over libjpeg-turbo. libjpeg reports fatal errors through
// error_exit, which here longjmps back into the shim function that called
// libjpeg, never into Swift; the message is copied out instead.
#include <stddef.h>
#include <stdint.h>

typedef enum {
  CJPEG_OK = 0,
  CJPEG_TOO_LARGE = 1,   // header dimensions exceed the caller's bound; nothing allocated
  CJPEG_TRUNCATED = 2,   // the data ended before the image did
  CJPEG_FAILED = 3,      // libjpeg reported an error; message holds it
  CJPEG_NO_MEMORY = 4,
} cjpeg_status;

/// Decodes a baseline or progressive JPEG (grayscale, YCbCr/RGB, CMYK/YCCK)
/// into interleaved RGB8, row-major. The header is read first; if a side
/// exceeds max_side or width*height exceeds max_pixels the call fails with
/// CJPEG_TOO_LARGE before any pixel buffer is allocated. On CJPEG_OK *pixels
/// is a malloc'd buffer of width*height*3 bytes; release it with cjpeg_free.
cjpeg_status cjpeg_read_rgb8(const void *data, size_t size,
                             uint32_t max_side, uint64_t max_pixels,
                             uint8_t **pixels, uint32_t *width, uint32_t *height,
                             char *message, size_t message_size);

/// Encodes interleaved samples with `components` channels: 1 (grayscale),
/// 3 (RGB, stored as YCbCr with 4:2:0 chroma) or 4 (CMYK, Adobe-inverted as
/// Photoshop writes it). quality is 1...100; Huffman tables are optimised.
/// On CJPEG_OK *jpeg is a malloc'd buffer of *jpeg_size bytes; release it
/// with cjpeg_free.
cjpeg_status cjpeg_write(const uint8_t *pixels, uint32_t width, uint32_t height,
                         int components, int quality, int progressive,
                         uint8_t **jpeg, size_t *jpeg_size,
                         char *message, size_t message_size);

void cjpeg_free(void *buffer);
