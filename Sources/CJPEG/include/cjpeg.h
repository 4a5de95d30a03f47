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

typedef struct cjpeg_reader cjpeg_reader;

/// Reads a baseline or progressive JPEG's header, so the caller can allocate width*height*3 bytes for the pixels.
/// Grayscale expands to RGB; CMYK/YCCK converts to RGB. If width > max_side, height > max_side or width*height >
/// max_pixels the call fails with CJPEG_TOO_LARGE (width and height set) before any pixel buffer is allocated.
/// data must stay valid until cjpeg_read_finish or cjpeg_read_free. On CJPEG_OK, *reader must go to one of them.
cjpeg_status cjpeg_read_begin(const void *data, size_t size, uint32_t max_side, uint64_t max_pixels,
                              cjpeg_reader **reader, uint32_t *width, uint32_t *height,
                              char *message, size_t message_size);

/// Decodes into pixels (interleaved RGB8, row-major, width*height*3 bytes) and frees the reader. Data that ends
/// early, or without an EOI marker, is CJPEG_TRUNCATED.
cjpeg_status cjpeg_read_finish(cjpeg_reader *reader, uint8_t *pixels, char *message, size_t message_size);

/// Frees a reader that will not be finished.
void cjpeg_read_free(cjpeg_reader *reader);

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
