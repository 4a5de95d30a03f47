/// One operating point of one image on the HTML page: the zoomed crops of our decoding and of the JPEG at the
/// same rate, and their error heat maps, as encoded PNG files.
struct ComparisonPanel {
  let measurement: ImageMeasurement
  let decodedCropPNG: [UInt8]
  let jpegCropPNG: [UInt8]
  let decodedHeatMapPNG: [UInt8]
  let jpegHeatMapPNG: [UInt8]
}
