/// A table of text cells, rendered for the terminal (first column left-aligned, the others right-aligned, columns
/// padded) or as an HTML `<table>`.
struct Table {
  let headers: [String]
  private(set) var rows: [[String]] = []

  init(headers: [String]) { self.headers = headers }

  mutating func append(_ row: [String]) {
    precondition(row.count == headers.count, "row has \(row.count) cells, the table \(headers.count) columns")
    rows.append(row)
  }

  func text() -> String {
    let all = [headers] + rows
    let widths = headers.indices.map { column in all.map { $0[column].count }.max()! }
    func line(_ cells: [String]) -> String {
      cells.enumerated().map { column, cell in
        let padding = String(repeating: " ", count: widths[column] - cell.count)
        return column == 0 ? cell + padding : padding + cell
      }.joined(separator: "  ")
    }
    let rule = widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")
    return ([line(headers), rule] + rows.map(line)).joined(separator: "\n") + "\n"
  }

  func html() -> String {
    func row(_ cells: [String], tag: String) -> String {
      "<tr>" + cells.map { "<\(tag)>\(escapeHTML($0))</\(tag)>" }.joined() + "</tr>\n"
    }
    return "<table>\n" + row(headers, tag: "th") + rows.map { row($0, tag: "td") }.joined() + "</table>\n"
  }
}
