#include "cpng.h"

#include <png.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

static void copy_message(char *message, size_t message_size, const char *text) {
  if (message == NULL || message_size == 0) return;
  strncpy(message, text, message_size - 1);
  message[message_size - 1] = '\0';
}

static uint32_t read_be32(const uint8_t *p) {
  return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int within_bounds(uint32_t width, uint32_t height, uint32_t max_side, uint64_t max_pixels) {
  return width <= max_side && height <= max_side && (uint64_t)width * height <= max_pixels;
}

// Compacts RGBA rows to RGB in place; the RGB image is a prefix of the buffer.
static void drop_alpha(uint8_t *rgba, size_t pixel_count) {
  for (size_t i = 0; i < pixel_count; i++) {
    rgba[3 * i + 0] = rgba[4 * i + 0];
    rgba[3 * i + 1] = rgba[4 * i + 1];
    rgba[3 * i + 2] = rgba[4 * i + 2];
  }
}

cpng_status cpng_read_rgb8(const void *data, size_t size,
                           uint32_t max_side, uint64_t max_pixels,
                           uint8_t **pixels, uint32_t *width, uint32_t *height,
                           int *had_alpha, char *message, size_t message_size) {
  *pixels = NULL;
  *width = 0;
  *height = 0;
  *had_alpha = 0;

  // libpng's begin_read parses up to the first IDAT; check IHDR's size
  // first so a hostile header is refused whatever follows it.
  const uint8_t *bytes = data;
  if (size >= 24 && memcmp(bytes + 12, "IHDR", 4) == 0) {
    uint32_t header_width = read_be32(bytes + 16);
    uint32_t header_height = read_be32(bytes + 20);
    if (!within_bounds(header_width, header_height, max_side, max_pixels)) {
      *width = header_width;
      *height = header_height;
      return CPNG_TOO_LARGE;
    }
  }

  png_image image;
  memset(&image, 0, sizeof image);
  image.version = PNG_IMAGE_VERSION;
  if (!png_image_begin_read_from_memory(&image, data, size)) {
    copy_message(message, message_size, image.message);
    png_image_free(&image);
    return CPNG_FAILED;
  }
  *width = image.width;
  *height = image.height;
  if (!within_bounds(image.width, image.height, max_side, max_pixels)) {
    png_image_free(&image);
    return CPNG_TOO_LARGE;
  }

  *had_alpha = (image.format & PNG_FORMAT_FLAG_ALPHA) != 0;
  // Reading with alpha and discarding it keeps the stored colours; asking the
  // simplified API for RGB instead would composite onto a background.
  image.format = *had_alpha ? PNG_FORMAT_RGBA : PNG_FORMAT_RGB;
  // Without this flag 16-bit data is assumed linear and gamma-encoded on the
  // way to 8 bits; treating it as sRGB gives the plain round(v / 257).
  image.flags |= PNG_IMAGE_FLAG_16BIT_sRGB;

  size_t channels = *had_alpha ? 4 : 3;
  size_t pixel_count = (size_t)image.width * image.height;
  uint8_t *buffer = malloc(pixel_count * channels);
  if (buffer == NULL) {
    png_image_free(&image);
    copy_message(message, message_size, "out of memory");
    return CPNG_NO_MEMORY;
  }
  if (!png_image_finish_read(&image, NULL, buffer, 0, NULL)) {
    copy_message(message, message_size, image.message);
    png_image_free(&image);
    free(buffer);
    return CPNG_FAILED;
  }
  if (*had_alpha) drop_alpha(buffer, pixel_count);
  *pixels = buffer;
  return CPNG_OK;
}

static int write_into(const uint8_t *pixels, uint32_t width, uint32_t height,
                      uint8_t *buffer, size_t *size, char *message, size_t message_size) {
  png_image image;
  memset(&image, 0, sizeof image);
  image.version = PNG_IMAGE_VERSION;
  image.width = width;
  image.height = height;
  image.format = PNG_FORMAT_RGB;
  size_t capacity = *size;
  int ok = png_image_write_to_memory(&image, buffer, size, 0, pixels, 0, NULL);
  if (!ok && *size <= capacity) copy_message(message, message_size, image.message);
  png_image_free(&image);
  return ok;
}

cpng_status cpng_write_rgb8(const uint8_t *pixels, uint32_t width, uint32_t height,
                            uint8_t **png, size_t *png_size,
                            char *message, size_t message_size) {
  *png = NULL;
  *png_size = 0;
  // A guess of the raw size plus headers fits nearly every image, so
  // compression usually runs once; an incompressible image retries at the
  // size libpng reports.
  size_t capacity = (size_t)width * height * 3 + 4096;
  for (int attempt = 0; attempt < 2; attempt++) {
    uint8_t *buffer = malloc(capacity);
    if (buffer == NULL) {
      copy_message(message, message_size, "out of memory");
      return CPNG_NO_MEMORY;
    }
    size_t size = capacity;
    if (write_into(pixels, width, height, buffer, &size, message, message_size)) {
      *png = buffer;
      *png_size = size;
      return CPNG_OK;
    }
    free(buffer);
    if (size <= capacity) return CPNG_FAILED;
    capacity = size;
  }
  copy_message(message, message_size, "PNG size changed between attempts");
  return CPNG_FAILED;
}

void cpng_free(void *buffer) { free(buffer); }

uint32_t cpng_crc32(const uint8_t *bytes, size_t count) {
  uLong crc = crc32(0L, Z_NULL, 0);
  // zlib takes uInt lengths; feed large inputs in pieces.
  while (count > 0) {
    uInt piece = count > 0x40000000u ? 0x40000000u : (uInt)count;
    crc = crc32(crc, bytes, piece);
    bytes += piece;
    count -= piece;
  }
  return (uint32_t)crc;
}
