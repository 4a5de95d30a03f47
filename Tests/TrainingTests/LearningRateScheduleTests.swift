import Testing

@testable import Training

@Test func warmUpIsLinearFromOneStepIn() {
  let s = LearningRateSchedule(peak: 1, warmupSteps: 4, totalSteps: 12)
  #expect([0, 1, 2, 3].map { s.rate(at: $0) } == [0.25, 0.5, 0.75, 1])
}

@Test func cosineDecayReachesTheFinalFraction() {
  let s = LearningRateSchedule(peak: 2, warmupSteps: 4, totalSteps: 12, finalFraction: 0.05)
  // progress p = (step − 4)/8; rate = 2·(0.05 + 0.95·½(1 + cos πp)).
  let root = Float(0.5).squareRoot()  // cos(π/4)
  let quarter: Float = 2 * (0.05 + 0.95 * 0.5 * (1 + root))
  let threeQuarters: Float = 2 * (0.05 + 0.95 * 0.5 * (1 - root))
  let expected: [(Int, Float)] = [
    (4, 2), (6, quarter), (8, 1.05), (10, threeQuarters), (12, 0.1), (13, 0.1), (1000, 0.1),
  ]
  for (step, rate) in expected {
    #expect(abs(s.rate(at: step) - rate) < 1e-6, "step \(step): \(s.rate(at: step)) vs \(rate)")
  }
  for step in 4..<12 { #expect(s.rate(at: step + 1) < s.rate(at: step), "decreasing at \(step)") }
}

@Test func degenerateSchedulesStayFinite() {
  let noWarmup = LearningRateSchedule(peak: 1, warmupSteps: 0, totalSteps: 10)
  #expect(noWarmup.rate(at: 0) == 1)
  let zero = LearningRateSchedule(peak: 1, warmupSteps: 0, totalSteps: 0)
  #expect(zero.totalSteps == 1)
  #expect(abs(zero.rate(at: 5) - 0.05) < 1e-7)
  let allWarmup = LearningRateSchedule(peak: 1, warmupSteps: 10, totalSteps: 5)
  #expect((0..<20).map { allWarmup.rate(at: $0) }.allSatisfy { $0.isFinite && $0 > 0 && $0 <= 1 })
}
