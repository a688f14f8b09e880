// Gaussian mixture EM (full, diagonal, tied or spherical covariances). Densities go through
// the upper triangular precision Cholesky factor U (P = Σ⁻¹ = U Uᵀ):
//   ln N(x | μ, Σ) = −d/2 ln 2π + Σ_j ln U_jj − ½ ‖Uᵀ(x − μ)‖².
// Tied is full with one U for every component; spherical is diagonal with U_jj = 1/σ_k.
// The E-step works on blocks of points transposed to (d, B) so the inner loops run over
// points; so does the M-step, whose sums over a block's points are vectorised dot products.
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "em_common.hpp"
#include "isingvi/check.hpp"
#include "isingvi/em.hpp"

namespace isingvi::em {

CovarianceType parse_covariance_type(const std::string& name) {
  if (name == "full") return CovarianceType::Full;
  if (name == "diag") return CovarianceType::Diag;
  if (name == "tied") return CovarianceType::Tied;
  if (name == "spherical") return CovarianceType::Spherical;
  fail("covariance_type", "must be 'full', 'diag', 'tied' or 'spherical', got '" + name + "'");
}

namespace {

using detail::for_blocks;
using detail::n_blocks;
using detail::reduce_blocks;

constexpr double kLog2Pi = 1.8378770664093454836;

// Σ_b a_b c_b (c = nullptr: Σ_b a_b) over the points of a block, in kLanes partial sums
// added in a fixed order: the loop vectorises, and the result depends on the block only.
constexpr std::size_t kLanes = 8;
double dot(const double* a, const double* c, std::size_t B) {
  double part[kLanes] = {};
  std::size_t b = 0;
  if (c) {
    for (; b + kLanes <= B; b += kLanes)
      for (std::size_t t = 0; t < kLanes; ++t) part[t] += a[b + t] * c[b + t];
    for (std::size_t t = 0; b < B; ++b, ++t) part[t] += a[b] * c[b];
  } else {
    for (; b + kLanes <= B; b += kLanes)
      for (std::size_t t = 0; t < kLanes; ++t) part[t] += a[b + t];
    for (std::size_t t = 0; b < B; ++b, ++t) part[t] += a[b];
  }
  double s = 0.0;
  for (double v : part) s += v;
  return s;
}

// Σ_b w_b (x_b − μ)², summed as dot().
double weighted_square_deviation(const double* w, const double* x, double mu, std::size_t B) {
  double part[kLanes] = {};
  std::size_t b = 0;
  for (; b + kLanes <= B; b += kLanes)
    for (std::size_t t = 0; t < kLanes; ++t) {
      const double dx = x[b + t] - mu;
      part[t] += w[b + t] * dx * dx;
    }
  for (std::size_t t = 0; b < B; ++b, ++t) {
    const double dx = x[b] - mu;
    part[t] += w[b] * dx * dx;
  }
  double s = 0.0;
  for (double v : part) s += v;
  return s;
}

// w_b = q_{begin + b, k}: one component's responsibilities over a block (resp row-major (n, K)).
void weights_of(const double* resp, std::int64_t begin, int K, int k, std::vector<double>& w) {
  const double* r = resp + begin * K + k;
  for (std::size_t b = 0; b < w.size(); ++b) w[b] = r[b * K];
}

// Lower Cholesky factor of a symmetric d x d matrix (row-major, lower triangle read).
// False if the matrix is not (numerically) positive definite.
bool cholesky_lower(const double* A, int d, double* L) {
  std::fill(L, L + d * d, 0.0);
  for (int j = 0; j < d; ++j) {
    double s = A[j * d + j];
    for (int m = 0; m < j; ++m) s -= L[j * d + m] * L[j * d + m];
    if (!(s > 0.0) || !std::isfinite(s)) return false;
    L[j * d + j] = std::sqrt(s);
    for (int i = j + 1; i < d; ++i) {
      double t = A[i * d + j];
      for (int m = 0; m < j; ++m) t -= L[i * d + m] * L[j * d + m];
      L[i * d + j] = t / L[j * d + j];
    }
  }
  return true;
}

// Inverse of a lower triangular matrix with nonzero diagonal (lower triangular again).
void invert_lower(const double* L, int d, double* X) {
  std::fill(X, X + d * d, 0.0);
  for (int j = 0; j < d; ++j) {
    X[j * d + j] = 1.0 / L[j * d + j];
    for (int i = j + 1; i < d; ++i) {
      double s = 0.0;
      for (int m = j; m < i; ++m) s += L[i * d + m] * X[m * d + j];
      X[i * d + j] = -s / L[i * d + i];
    }
  }
}

// U = (L⁻¹)ᵀ with Σ = L Lᵀ, as scikit-learn; false if Σ is not positive definite.
bool precision_cholesky_from_covariance(const double* cov, int d, double* U) {
  std::vector<double> L(d * d), Linv(d * d);
  if (!cholesky_lower(cov, d, L.data())) return false;
  invert_lower(L.data(), d, Linv.data());
  for (int i = 0; i < d; ++i)
    for (int j = 0; j < d; ++j) U[i * d + j] = Linv[j * d + i];
  for (int i = 0; i < d * d; ++i)
    if (!std::isfinite(U[i])) return false;
  return true;
}

// The upper triangular U with P = U Uᵀ: the lower Cholesky factor of P with rows and
// columns reversed, reversed back. False if P is not positive definite.
bool precision_cholesky_from_precision(const double* P, int d, double* U) {
  std::vector<double> flipped(d * d), L(d * d);
  for (int i = 0; i < d; ++i)
    for (int j = 0; j < d; ++j) flipped[i * d + j] = P[(d - 1 - i) * d + (d - 1 - j)];
  if (!cholesky_lower(flipped.data(), d, L.data())) return false;
  for (int i = 0; i < d; ++i)
    for (int j = 0; j < d; ++j) U[i * d + j] = L[(d - 1 - i) * d + (d - 1 - j)];
  return true;
}

// Σ = (U Uᵀ)⁻¹ = Y Yᵀ with Y = (Uᵀ)⁻¹ (lower triangular).
void covariance_from_precision_cholesky(const double* U, int d, double* cov) {
  std::vector<double> Ut(d * d), Y(d * d);
  for (int i = 0; i < d; ++i)
    for (int j = 0; j < d; ++j) Ut[i * d + j] = U[j * d + i];
  invert_lower(Ut.data(), d, Y.data());
  for (int i = 0; i < d; ++i)
    for (int j = 0; j < d; ++j) {
      double s = 0.0;
      for (int m = 0; m <= std::min(i, j); ++m) s += Y[i * d + m] * Y[j * d + m];
      cov[i * d + j] = s;
    }
}

// Covariances (or precision factors) stored, and the size of one: full K of d x d, diag K of
// d, tied one d x d, spherical K of 1. Component k's starts at cov_offset(type, d, k).
bool is_matrix(CovarianceType type) { return type == CovarianceType::Full || type == CovarianceType::Tied; }

std::size_t cov_size(CovarianceType type, int d) {
  if (is_matrix(type)) return static_cast<std::size_t>(d) * d;
  return type == CovarianceType::Diag ? static_cast<std::size_t>(d) : 1;
}

int cov_count(CovarianceType type, int K) { return type == CovarianceType::Tied ? 1 : K; }

std::size_t cov_offset(CovarianceType type, int d, int k) {
  return type == CovarianceType::Tied ? 0 : static_cast<std::size_t>(k) * cov_size(type, d);
}

void check_data(const DataView<double>& X) {
  require(X.n >= 1, "X", "needs at least one sample, got 0");
  require(X.d >= 1, "X", "needs at least one feature, got 0");
  const std::int64_t size = X.n * X.d;
  for (std::int64_t i = 0; i < size; ++i)
    if (!std::isfinite(X.data[i]))
      fail("X", "every value must be finite, got " + std::to_string(X.data[i]) + " in sample " +
                    std::to_string(i / X.d) + ", feature " + std::to_string(i % X.d));
}

void check_size(const std::vector<double>& v, std::size_t want, const std::string& param) {
  require(v.size() == want, param, "must have " + std::to_string(want) + " values, got " + std::to_string(v.size()));
}

void check_finite(const std::vector<double>& v, const std::string& param) {
  for (double x : v) require(std::isfinite(x), param, "every value must be finite, got " + std::to_string(x));
}

class GaussianModel {
 public:
  using Params = GaussianParams;

  GaussianModel(const DataView<double>& X, CovarianceType type, int K, double reg_covar, const Control& control,
                const GaussianInit& init)
      : X_(X), type_(type), K_(K), reg_covar_(reg_covar), control_(control), init_(init) {}

  std::int64_t n() const { return X_.n; }
  int K() const { return K_; }
  double log_prior(const Params&) const { return 0.0; }

  void log_joint(const Params& p, std::int64_t begin, std::int64_t end, double* out) const {
    const int d = X_.d;
    const auto B = static_cast<std::size_t>(end - begin);
    const std::vector<double> xt = transposed(begin, end);
    const bool matrix = is_matrix(type_), spherical = type_ == CovarianceType::Spherical;
    std::vector<double> diff(matrix ? d * B : 0), y(diff.empty() ? 0 : B), maha(B);
    for (int k = 0; k < K_; ++k) {
      const double* mu = &p.means[static_cast<std::size_t>(k) * d];
      if (matrix) centre(xt, mu, B, diff.data());
      std::fill(maha.begin(), maha.end(), 0.0);
      double log_det = 0.0;
      const double* U = &p.precisions_cholesky[cov_offset(type_, d, k)];
      if (matrix) {
        for (int j = 0; j < d; ++j) {
          log_det += std::log(U[j * d + j]);
          std::fill(y.begin(), y.end(), 0.0);
          for (int l = 0; l <= j; ++l) {  // y_j = Σ_{l <= j} U_lj (x − μ)_l
            const double u = U[l * d + j];
            const double* dl = &diff[l * B];
            for (std::size_t b = 0; b < B; ++b) y[b] += u * dl[b];
          }
          for (std::size_t b = 0; b < B; ++b) maha[b] += y[b] * y[b];
        }
      } else {
        for (int j = 0; j < d; ++j) {
          const double u = U[spherical ? 0 : j], mj = mu[j];
          log_det += std::log(u);
          const double* xj = &xt[j * B];
          for (std::size_t b = 0; b < B; ++b) {
            const double t = u * (xj[b] - mj);
            maha[b] += t * t;
          }
        }
      }
      const double c = std::log(p.weights[k]) + log_det - 0.5 * d * kLog2Pi;
      for (std::size_t b = 0; b < B; ++b) out[b * K_ + k] = c - 0.5 * maha[b];
    }
  }

  Params m_step(const double* resp) const {
    const int d = X_.d, K = K_;
    const std::int64_t n = X_.n;
    const auto nb = static_cast<std::size_t>(n_blocks(n));
    // Pass 1, per block: n_k and Σ_i q_ik x_i.
    const std::size_t w1 = static_cast<std::size_t>(K) * (d + 1);
    std::vector<double> parts(nb * w1, 0.0);
    for_blocks(n, control_.threads, [&](std::int64_t blk, std::int64_t begin, std::int64_t end) {
      double* acc = &parts[blk * w1];
      const auto B = static_cast<std::size_t>(end - begin);
      const std::vector<double> xt = transposed(begin, end);
      std::vector<double> w(B);
      for (int k = 0; k < K; ++k) {
        weights_of(resp, begin, K, k, w);
        acc[k] = dot(w.data(), nullptr, B);
        for (int j = 0; j < d; ++j) acc[K + k * d + j] = dot(w.data(), &xt[j * B], B);
      }
    });
    const std::vector<double> first = reduce_blocks(parts, w1);
    Params p;
    p.type = type_;
    p.K = K;
    p.d = d;
    std::vector<double> nk(K);
    p.means.resize(static_cast<std::size_t>(K) * d);
    double total = 0.0;
    for (int k = 0; k < K; ++k) {
      nk[k] = first[k] + 10.0 * std::numeric_limits<double>::epsilon();  // as scikit-learn: no 0/0
      total += nk[k];
      for (int j = 0; j < d; ++j) p.means[k * d + j] = first[K + k * d + j] / nk[k];
    }
    p.weights.resize(K);
    for (int k = 0; k < K; ++k) p.weights[k] = nk[k] / total;
    // Pass 2, per block: Σ_i q_ik (x_i − μ_k)(x_i − μ_k)ᵀ, lower triangle packed (or the diagonal).
    const bool full = is_matrix(type_);
    const std::size_t tri = full ? static_cast<std::size_t>(d) * (d + 1) / 2 : static_cast<std::size_t>(d);
    const std::size_t w2 = K * tri;
    std::vector<double> parts2(nb * w2, 0.0);
    for_blocks(n, control_.threads, [&](std::int64_t blk, std::int64_t begin, std::int64_t end) {
      double* acc = &parts2[blk * w2];
      const auto B = static_cast<std::size_t>(end - begin);
      const std::vector<double> xt = transposed(begin, end);
      std::vector<double> w(B), diff(full ? d * B : 0), wd(B);
      for (int k = 0; k < K; ++k) {
        weights_of(resp, begin, K, k, w);
        const double* mu = &p.means[static_cast<std::size_t>(k) * d];
        double* C = acc + k * tri;
        if (!full) {
          for (int j = 0; j < d; ++j) C[j] = weighted_square_deviation(w.data(), &xt[j * B], mu[j], B);
          continue;
        }
        centre(xt, mu, B, diff.data());
        for (int j = 0; j < d; ++j) {
          const double* dj = &diff[j * B];
          for (std::size_t b = 0; b < B; ++b) wd[b] = w[b] * dj[b];
          for (int l = 0; l <= j; ++l) C[j * (j + 1) / 2 + l] = dot(wd.data(), &diff[l * B], B);
        }
      }
    });
    std::vector<double> second = reduce_blocks(parts2, w2);
    p.covariances.assign(cov_count(type_, K) * cov_size(type_, d), 0.0);
    const bool tied = type_ == CovarianceType::Tied;
    if (tied)  // as scikit-learn: the sums of every component over Σ_k n_k
      for (int k = 1; k < K; ++k)
        for (std::size_t t = 0; t < tri; ++t) second[t] += second[k * tri + t];
    const std::vector<double> count = tied ? std::vector<double>{total} : nk;
    for (int k = 0; k < cov_count(type_, K); ++k) {
      const double* C = &second[k * tri];
      if (full) {
        double* S = &p.covariances[static_cast<std::size_t>(k) * d * d];
        for (int j = 0; j < d; ++j)
          for (int l = 0; l <= j; ++l) S[j * d + l] = S[l * d + j] = C[j * (j + 1) / 2 + l] / count[k];
        for (int j = 0; j < d; ++j) S[j * d + j] += reg_covar_;
      } else if (type_ == CovarianceType::Diag) {
        for (int j = 0; j < d; ++j) p.covariances[k * d + j] = C[j] / count[k] + reg_covar_;
      } else {  // spherical: the mean of the diagonal variances, as scikit-learn
        double v = 0.0;
        for (int j = 0; j < d; ++j) v += C[j] / count[k] + reg_covar_;
        p.covariances[k] = v / d;
      }
    }
    set_precisions_from_covariances(p, count);
    return p;
  }

  Params init(int restart) const {
    const bool has_w = !init_.weights.empty(), has_m = !init_.means.empty(), has_p = !init_.precisions.empty();
    const int d = X_.d;
    Params p;
    if (has_w && has_m && has_p) {
      p.type = type_;
      p.K = K_;
      p.d = d;
    } else {
      std::vector<int> label;
      if (has_m) {
        label = nearest(init_.means);
      } else {
        Rng rng(control_.seed, static_cast<std::uint64_t>(restart));
        label = detail::kmeanspp_labels(X_.n, K_, rng, control_.threads, [&](std::int64_t i, std::int64_t j) {
          const double* a = X_.data + i * d;
          const double* b = X_.data + j * d;
          double s = 0.0;
          for (int t = 0; t < d; ++t) s += (a[t] - b[t]) * (a[t] - b[t]);
          return s;
        });
      }
      std::vector<double> resp(label.size() * K_);
      detail::one_hot(label, K_, resp.data());
      p = m_step(resp.data());
    }
    if (has_w) p.weights = init_.weights;
    if (has_m) p.means = init_.means;
    if (has_p) set_from_precisions(p, init_.precisions);
    return p;
  }

 private:
  // Points [begin, end) as a (d, B) row-major array: loops over points become contiguous.
  std::vector<double> transposed(std::int64_t begin, std::int64_t end) const {
    const int d = X_.d;
    const auto B = static_cast<std::size_t>(end - begin);
    std::vector<double> xt(d * B);
    const double* X = X_.data + begin * d;
    for (std::size_t b = 0; b < B; ++b)
      for (int j = 0; j < d; ++j) xt[j * B + b] = X[b * d + j];
    return xt;
  }

  // diff = xt − μ (broadcast over the B points).
  void centre(const std::vector<double>& xt, const double* mu, std::size_t B, double* diff) const {
    for (int j = 0; j < X_.d; ++j)
      for (std::size_t b = 0; b < B; ++b) diff[j * B + b] = xt[j * B + b] - mu[j];
  }

  // Every point's nearest mean (ties: the lower index).
  std::vector<int> nearest(const std::vector<double>& means) const {
    const int d = X_.d;
    std::vector<int> label(static_cast<std::size_t>(X_.n), 0);
    for_blocks(X_.n, control_.threads, [&](std::int64_t, std::int64_t begin, std::int64_t end) {
      for (std::int64_t i = begin; i < end; ++i) {
        double best = detail::kInf;
        for (int k = 0; k < K_; ++k) {
          double s = 0.0;
          for (int t = 0; t < d; ++t) s += (X_.data[i * d + t] - means[k * d + t]) * (X_.data[i * d + t] - means[k * d + t]);
          if (s < best) {
            best = s;
            label[i] = k;
          }
        }
      }
    });
    return label;
  }

  void set_precisions_from_covariances(Params& p, const std::vector<double>& nk) const {
    const int d = p.d;
    const std::size_t cs = cov_size(type_, d);
    const int count = cov_count(type_, p.K);
    p.precisions_cholesky.assign(count * cs, 0.0);
    for (int k = 0; k < count; ++k) {
      for (std::size_t t = 0; t < cs; ++t)
        require(std::isfinite(p.covariances[k * cs + t]), "X",
                "the covariance of component " + std::to_string(k) + " overflows; rescale X");
      bool ok = true;
      if (is_matrix(type_)) {
        ok = precision_cholesky_from_covariance(&p.covariances[k * cs], d, &p.precisions_cholesky[k * cs]);
      } else {
        for (std::size_t j = 0; j < cs; ++j) {
          const double v = p.covariances[k * cs + j];
          ok = ok && v > 0.0 && std::isfinite(1.0 / std::sqrt(v));
          p.precisions_cholesky[k * cs + j] = ok ? 1.0 / std::sqrt(v) : 0.0;
        }
      }
      if (!ok)
        fail("reg_covar", std::string(type_ == CovarianceType::Tied ? "the tied covariance" : "the covariance of component " + std::to_string(k)) + " (n_k = " + std::to_string(nk[k]) +
                              ") is not positive definite; increase reg_covar (now " + std::to_string(reg_covar_) +
                              "), decrease n_components or rescale X");
    }
  }

  void set_from_precisions(Params& p, const std::vector<double>& precisions) const {
    const int d = p.d;
    const std::size_t cs = cov_size(type_, d);
    const int count = cov_count(type_, p.K);
    p.precisions_cholesky.assign(count * cs, 0.0);
    p.covariances.assign(count * cs, 0.0);
    for (int k = 0; k < count; ++k) {
      if (is_matrix(type_)) {
        precision_cholesky_from_precision(&precisions[k * cs], d, &p.precisions_cholesky[k * cs]);
        covariance_from_precision_cholesky(&p.precisions_cholesky[k * cs], d, &p.covariances[k * cs]);
      } else {
        for (std::size_t j = 0; j < cs; ++j) {
          p.precisions_cholesky[k * cs + j] = std::sqrt(precisions[k * cs + j]);
          p.covariances[k * cs + j] = 1.0 / precisions[k * cs + j];
        }
      }
    }
  }

  DataView<double> X_;
  CovarianceType type_;
  int K_;
  double reg_covar_;
  Control control_;
  GaussianInit init_;
};

void check_init(const GaussianInit& init, CovarianceType type, int K, int d) {
  if (!init.weights.empty()) detail::check_weights(init.weights, K, "weights_init");
  if (!init.means.empty()) {
    check_size(init.means, static_cast<std::size_t>(K) * d, "means_init");
    check_finite(init.means, "means_init");
  }
  if (init.precisions.empty()) return;
  const std::size_t cs = cov_size(type, d);
  check_size(init.precisions, cov_count(type, K) * cs, "precisions_init");
  check_finite(init.precisions, "precisions_init");
  std::vector<double> U(cs);
  for (int k = 0; k < cov_count(type, K); ++k) {
    const double* P = &init.precisions[k * cs];
    if (!is_matrix(type)) {
      for (std::size_t j = 0; j < cs; ++j)
        require(P[j] > 0.0, "precisions_init", "every precision must be > 0, got " + std::to_string(P[j]));
      continue;
    }
    double scale = 0.0;
    for (std::size_t i = 0; i < cs; ++i) scale = std::max(scale, std::fabs(P[i]));
    for (int i = 0; i < d; ++i)
      for (int j = 0; j < i; ++j)
        require(std::fabs(P[i * d + j] - P[j * d + i]) <= 1e-10 * scale, "precisions_init",
                "component " + std::to_string(k) + " is not symmetric");
    require(precision_cholesky_from_precision(P, d, U.data()), "precisions_init",
            "component " + std::to_string(k) + " is not positive definite");
  }
}

void check_params(const GaussianParams& p) {
  require(p.K >= 1, "n_components", "must be >= 1, got " + std::to_string(p.K));
  require(p.d >= 1, "means", "needs at least one feature");
  detail::check_weights(p.weights, p.K, "weights");
  check_size(p.means, static_cast<std::size_t>(p.K) * p.d, "means");
  check_finite(p.means, "means");
  const std::size_t cs = cov_size(p.type, p.d);
  check_size(p.precisions_cholesky, cov_count(p.type, p.K) * cs, "precisions_cholesky");
  check_finite(p.precisions_cholesky, "precisions_cholesky");
  const bool matrix = is_matrix(p.type);
  for (int k = 0; k < cov_count(p.type, p.K); ++k) {
    const double* U = &p.precisions_cholesky[k * cs];
    for (int j = 0; j < (p.type == CovarianceType::Spherical ? 1 : p.d); ++j) {
      const double diag = matrix ? U[j * p.d + j] : U[j];
      require(diag > 0.0, "precisions_cholesky", "diagonal entries must be > 0, got " + std::to_string(diag));
      if (matrix)
        for (int l = 0; l < j; ++l)
          require(U[j * p.d + l] == 0.0, "precisions_cholesky", "must be upper triangular");
    }
  }
}

}  // namespace

GaussianFit fit_gaussian(const DataView<double>& X, CovarianceType type, double reg_covar, const Control& control,
                         const GaussianInit& init) {
  check_data(X);
  detail::check_control(control, X.n);
  require(std::isfinite(reg_covar) && reg_covar >= 0.0, "reg_covar",
          "must be finite and >= 0, got " + std::to_string(reg_covar));
  check_init(init, type, control.n_components, X.d);
  const GaussianModel model(X, type, control.n_components, reg_covar, control, init);
  auto result = detail::run_em(model, control);
  return {std::move(result.params), std::move(result.summary)};
}

Posterior posterior(const GaussianParams& params, const DataView<double>& X, int threads) {
  check_params(params);
  check_data(X);
  require(X.d == params.d, "X",
          "has " + std::to_string(X.d) + " features but the model has " + std::to_string(params.d));
  Control control;
  control.threads = threads;
  const GaussianModel model(X, params.type, params.K, 0.0, control, {});
  return detail::posterior_of(model, params, threads);
}

}  // namespace isingvi::em
