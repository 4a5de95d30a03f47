import Foundation
import Testing

@testable import Quantizers

@Test func usageCountsPerplexityAndDeadCodes() {
  let usage = CodebookUsage(indices: [0, 0, 1, 1, 3, 3, 3, 3], codes: 5)
  #expect(usage.counts == [2, 2, 0, 4, 0])
  #expect(usage.usedCodes == 3 && usage.deadCodes == 2 && usage.total == 8)
  // p = (1/4, 1/4, 1/2): H = 1.5 bits.
  #expect(abs(usage.entropyBits - 1.5) < 1e-12)
  #expect(abs(usage.perplexity - exp(1.5 * log(2))) < 1e-12)
  let uniform = CodebookUsage(indices: [0, 1, 2, 3], codes: 4)
  #expect(abs(uniform.perplexity - 4) < 1e-12)
}
