import Codec
import Foundation
import Report

/// Reads the curves passed with `--compare`: CompressAI results files (`{"name", "results": {"bpp": [...],
/// "psnr-rgb" or "psnr": [...], "ms-ssim-rgb" or "ms-ssim": [...]}}`, this command's `--json` output included),
/// or the output of `shared/tools/rd_baseline.py` (`{"jpeg": [{"q", "bpp", "psnr"}, ...], "webp": [...]}`).
enum ComparisonCurveFile {
  static func read(_ path: String) throws -> [RateDistortionCurve] {
    let bytes = try readFile(path)
    guard let root = (try? JSONSerialization.jsonObject(with: Data(bytes))) as? [String: Any] else {
      throw CommandFailure("\(path): not a JSON object")
    }
    if let results = root["results"] as? [String: Any] {
      let name = root["name"] as? String ?? (path as NSString).lastPathComponent
      return [try compressAICurve(results, name: name, path: path)]
    }
    let curves = root.keys.sorted().compactMap { codec in
      (root[codec] as? [[String: Any]]).map {
        baselineCurve($0, name: "\(codec) (\((path as NSString).lastPathComponent))")
      }
    }
    guard !curves.isEmpty, curves.allSatisfy({ !$0.points.isEmpty }) else {
      throw CommandFailure("\(path): neither a CompressAI results file nor rd_baseline.py output")
    }
    return curves
  }

  private static func compressAICurve(
    _ results: [String: Any], name: String, path: String
  ) throws -> RateDistortionCurve {
    let numbers = { (key: String) in (results[key] as? [Any])?.map { ($0 as? NSNumber)?.doubleValue } }
    guard let bpp = numbers("bpp"), let psnr = numbers("psnr-rgb") ?? numbers("psnr"), psnr.count == bpp.count else {
      throw CommandFailure("\(path): results need \"bpp\" and \"psnr-rgb\" (or \"psnr\") arrays of the same length")
    }
    let ssim = numbers("ms-ssim-rgb") ?? numbers("ms-ssim")
    let points = bpp.indices.compactMap { i -> CurvePoint? in
      guard let x = bpp[i], let y = psnr[i] else { return nil }
      return CurvePoint(bitsPerPixel: x, psnr: y, msSSIM: ssim.flatMap { i < $0.count ? $0[i] : nil })
    }
    return RateDistortionCurve(name: name, points: points)
  }

  private static func baselineCurve(_ points: [[String: Any]], name: String) -> RateDistortionCurve {
    RateDistortionCurve(
      name: name,
      points: points.compactMap { p in
        guard let x = (p["bpp"] as? NSNumber)?.doubleValue, let y = (p["psnr"] as? NSNumber)?.doubleValue else {
          return nil
        }
        return CurvePoint(bitsPerPixel: x, psnr: y, msSSIM: ((p["ms-ssim"] ?? p["ms_ssim"]) as? NSNumber)?.doubleValue)
      })
  }
}
