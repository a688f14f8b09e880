// Ising models. Spins s_i in {-1, +1}; energy E(s) = -sum_{i<j} J_ij s_i s_j - sum_i h_i s_i.
// J > 0 is ferromagnetic; k_B = 1.
#pragma once
#include <cstdint>
#include <vector>

namespace isingvi {

// A general graph: undirected edges (i, j) with couplings J_ij, and fields h_i.
// Adjacency is stored in CSR form for the samplers and solvers.
class Graph {
 public:
  Graph(int n, const std::vector<int>& edge_i, const std::vector<int>& edge_j,
        const std::vector<double>& couplings, const std::vector<double>& fields);

  int n() const { return n_; }
  int n_edges() const { return static_cast<int>(edge_i_.size()); }
  const std::vector<int>& edge_i() const { return edge_i_; }
  const std::vector<int>& edge_j() const { return edge_j_; }
  const std::vector<double>& couplings() const { return couplings_; }
  const std::vector<double>& fields() const { return fields_; }

  // CSR adjacency: neighbours of i are nbr[row[i] .. row[i+1]) with couplings nbr_J.
  const std::vector<int>& row() const { return row_; }
  const std::vector<int>& nbr() const { return nbr_; }
  const std::vector<double>& nbr_J() const { return nbr_J_; }

  double energy(const std::int8_t* s) const;
  bool has_fields() const;
  bool is_ferromagnetic() const;  // every J_ij >= 0

 private:
  int n_;
  std::vector<int> edge_i_, edge_j_;
  std::vector<double> couplings_, fields_;
  std::vector<int> row_, nbr_;
  std::vector<double> nbr_J_;
};

// A periodic hypercubic lattice L^dim (dim = 2: square, dim = 3: cubic) with uniform J and h.
// Site index: x + L*y (+ L*L*z). Each nearest-neighbour bond is counted once (dim*N bonds).
struct Lattice {
  int dim;
  int L;
  double J;
  double h;

  Lattice(int dim, int L, double J, double h);
  std::int64_t n() const;
  int coordination() const { return 2 * dim; }
  // The same model as a Graph; for L = 2 the two bonds between a pair merge into one of 2J.
  Graph to_graph() const;
};

}  // namespace isingvi
