// Private to the core: union-find over the sites of one configuration, for Swendsen-Wang.
#pragma once
#include <cstdint>
#include <vector>

namespace isingvi::detail {

// Disjoint sets of sites [0, n). Every set's root is its smallest site: unite() links the
// larger root under the smaller, so labels depend only on the bonds, not on the order of
// unions, and parent[i] <= i always. find() halves paths as it walks, which keeps the trees
// shallow without a rank array.
class ClusterForest {
 public:
  void reset(std::int64_t n) {
    parent_.resize(static_cast<std::size_t>(n));
    for (std::int64_t i = 0; i < n; ++i) parent_[i] = static_cast<int>(i);
  }

  int find(int i) {
    while (parent_[i] != i) {
      parent_[i] = parent_[parent_[i]];
      i = parent_[i];
    }
    return i;
  }

  void unite(int a, int b) {
    a = find(a);
    b = find(b);
    if (a < b) parent_[b] = a;
    else if (b < a) parent_[a] = b;
  }

  // After the last unite(), called for i = 0, 1, 2, ... in turn: points i at its root and
  // returns it. parent[i] <= i has been settled already, so one step reaches the root.
  int settle(int i) { return parent_[i] = parent_[parent_[i]]; }

 private:
  std::vector<int> parent_;
};

}  // namespace isingvi::detail
