import Tensors
import Testing

@Suite struct BroadcastTests {
  @Test func shapesAlignOnTheRight() {
    #expect(broadcastShape([2, 3, 5, 3], [3]) == [2, 3, 5, 3])
    #expect(broadcastShape([3], [2, 3, 5, 3]) == [2, 3, 5, 3])
    #expect(broadcastShape([2, 1, 1, 3], [2, 3, 5, 3]) == [2, 3, 5, 3])
    #expect(broadcastShape([2, 1, 5, 1], [1, 3, 1, 3]) == [2, 3, 5, 3])
    #expect(broadcastShape([1], [4, 2]) == [4, 2])
    #expect(broadcastShape([1], [1]) == [1])
  }
}
