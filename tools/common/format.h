// SPDX-License-Identifier: GPL-2.0 OR MIT
// Text formatting shared by the tools: numbers, sizes, addresses, and a column table that sizes
// its columns after all rows are in (like ss).
#ifndef SMCTOOL_FORMAT_H
#define SMCTOOL_FORMAT_H

#include "smc/types.h"

#include <array>
#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

namespace smctool {

/// 0 B, 1023 B, 1.0 KiB, 96.1 MiB, 2.0 GiB (IEC units, one decimal above bytes).
std::string format_bytes(uint64_t bytes);
/// format_bytes() or the plain number with @exact.
std::string format_size(uint64_t bytes, bool exact);
/// 12.3 MiB/s.
std::string format_byte_rate(double bytes_per_s);
/// A per-second rate: "0", "0.5", "12", "1.2k", "3.4M".
std::string format_rate(double per_s);
/// Buffer sizes are powers of two: 16K, 64K, 1M; other values as format_bytes().
std::string format_bufsize(uint64_t bytes);

/// Labels of the histogram buckets: "8K", "16K", ..., "1M", ">1M".
const std::array<const char*, smc::kHistBuckets>& histogram_labels();

/// Address of a socket end: "198.18.0.1", "fd53:4d43::1", "*" for the unspecified address.
std::string format_addr(int family, const std::array<uint8_t, 16>& addr);
/// "198.18.0.1:5201", "[fd53:4d43::1]:5201", "*:5201".
std::string format_endpoint(int family, const std::array<uint8_t, 16>& addr, uint16_t port);

/// 32-bit ids as the kernel's tools print them: 8 hex digits.
std::string hex8(uint32_t v);
/// Cursor "wrap:count".
std::string format_cursor(const smc::DiagCursor& c);

enum class Align { left, right };

/// Rows of cells printed in aligned columns; the last column is not padded.
class Table {
  public:
    struct Column {
        std::string header;
        Align align = Align::left;
    };
    explicit Table(std::vector<Column> columns, std::string indent = "")
        : cols_(std::move(columns)), indent_(std::move(indent)) {}
    /// A row; @details are printed below it, indented, and do not widen the columns.
    void add(std::vector<std::string> row, std::vector<std::string> details = {}) {
        rows_.push_back({std::move(row), std::move(details)});
    }
    [[nodiscard]] bool empty() const { return rows_.empty(); }
    void print(std::ostream& out, bool header = true) const;

  private:
    std::vector<Column> cols_;
    std::string indent_;
    struct Row {
        std::vector<std::string> cells;
        std::vector<std::string> details;
    };
    std::vector<Row> rows_;
};

} // namespace smctool

#endif // SMCTOOL_FORMAT_H
