import Testing

@testable import Quantizers

@Test func temperatureDecaysExponentiallyThenHolds() {
  let schedule = TemperatureSchedule(start: 1, end: 0.25, steps: 100)
  #expect(schedule.temperature(atStep: 0) == 1)
  #expect(abs(schedule.temperature(atStep: 50) - 0.5) < 1e-6)  // geometric midpoint
  #expect(schedule.temperature(atStep: 100) == 0.25 && schedule.temperature(atStep: 1000) == 0.25)
  #expect((1..<100).allSatisfy { schedule.temperature(atStep: $0) < schedule.temperature(atStep: $0 - 1) })
}
