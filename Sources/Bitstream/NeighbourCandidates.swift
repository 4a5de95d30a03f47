/// The distinct indices among a position's already-coded neighbours, in the order coder 2 tries them, with
/// the binary context each "equals this candidate?" flag uses (FORMAT.md §4.3.1).
///
/// Neighbours are left, top, top-right, top-left of the same stage (those inside the grid). A candidate's
/// *support* is how many of them hold its value: a value that fills the whole neighbourhood is a flat region.
struct NeighbourCandidates {
  /// 4 slots × 4 supports × 3 previous-stage states.
  static let contextCount = 48

  private(set) var values: [UInt16] = []
  private(set) var contexts: [Int] = []
  private var supports: [Int] = []
  private var sources: [Int] = []

  init() {
    values.reserveCapacity(4)
    contexts.reserveCapacity(4)
    supports.reserveCapacity(4)
    sources.reserveCapacity(4)
  }

  /// Fills `values` and `contexts` for position `position` = y × width + x; reads only positions before it.
  mutating func gather(
    from grid: [UInt16], width: Int, position: Int, x: Int, y: Int, previousStage: [UInt16]?
  ) {
    values.removeAll(keepingCapacity: true)
    contexts.removeAll(keepingCapacity: true)
    supports.removeAll(keepingCapacity: true)
    sources.removeAll(keepingCapacity: true)
    if x > 0 { consider(grid, at: position - 1) }
    if y > 0 {
      consider(grid, at: position - width)
      if x + 1 < width { consider(grid, at: position - width + 1) }
      if x > 0 { consider(grid, at: position - width - 1) }
    }
    for slot in values.indices {
      // Did the previous stage also repeat between here and the neighbour this candidate came from?
      let previousState: Int
      if let previousStage {
        previousState = previousStage[position] == previousStage[sources[slot]] ? 1 : 0
      } else {
        previousState = 2
      }
      contexts.append((slot * 4 + supports[slot] - 1) * 3 + previousState)
    }
  }

  private mutating func consider(_ grid: [UInt16], at neighbour: Int) {
    let value = grid[neighbour]
    if let slot = values.firstIndex(of: value) {
      supports[slot] += 1
    } else {
      values.append(value)
      supports.append(1)
      sources.append(neighbour)
    }
  }

  /// The candidate values in ascending order, for the frequency model's exclusions.
  var sortedValues: [UInt16] { values.sorted() }
}
