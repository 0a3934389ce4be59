// End-to-end tests of `reluid select` (sim/cmd_select.cpp): output, selection and bad inputs.
#include <unistd.h>

#include <boost/math/distributions/normal.hpp>
#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "sim/paper_data.hpp"
#include "sim/seed.hpp"
#include "solvers/nn.hpp"
#include "support.hpp"
#include "theory/random.hpp"

using namespace reluid;
namespace fs = std::filesystem;

namespace {

fs::path scratch(const std::string& name) {
  const fs::path dir =
      fs::temp_directory_path() / ("reluid_test_select_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  return dir / name;
}

/// Writes text to a scratch file and returns its path.
std::string write(const std::string& name, const std::string& text) {
  const fs::path path = scratch(name);
  std::ofstream(path) << text;
  return path.string();
}

/// n rows of columns a, b, resp, c, d with resp = 3a − 2c + 0.1·noise (a, b, c, d ~ N(0, 1)),
/// written with 17 digits.
std::string good_csv(int n) {
  auto rng = sim::make_engine(5, 0, 0, sim::Stream::data);
  const arma::mat Z = theory::standard_normal(static_cast<arma::uword>(n), 5, rng);
  std::ostringstream os;
  os.precision(17);
  os << "a,b,resp,c,d\n";
  for (arma::uword i = 0; i < Z.n_rows; ++i) {
    const double resp = 3.0 * Z(i, 0) - 2.0 * Z(i, 2) + 0.1 * Z(i, 4);
    os << Z(i, 0) << "," << Z(i, 1) << "," << resp << "," << Z(i, 2) << "," << Z(i, 3) << "\n";
  }
  return os.str();
}

test::Run select(const std::string& args) {
  return test::run(std::string(RELUID_BINARY) + " select " + args + " 2>&1");
}

/// Lines of s.
std::vector<std::string> lines(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream is(s);
  for (std::string line; std::getline(is, line);) out.push_back(line);
  return out;
}

}  // namespace

TEST_CASE("select: importances sorted, top k and GMM selection", "[select]") {
  const std::string csv = write("good.csv", good_csv(80));
  const std::string method = GENERATE(std::string("lasso"), std::string("nn"));
  CAPTURE(method);
  {
    const test::Run r = select(csv + " --response resp --method " + method + " --k 2");
    REQUIRE(r.status == 0);
    const auto out = lines(r.output);
    REQUIRE(out.size() == 7);  // comment, header, 4 variables, selected
    REQUIRE(out[0].rfind("# reluid select:", 0) == 0);
    REQUIRE(out[1] == "variable,importance,selected");
    REQUIRE(out[2].rfind("a,", 0) == 0);  // |3| > |−2|
    REQUIRE(out[3].rfind("c,", 0) == 0);
    REQUIRE(out[2].back() == '1');
    REQUIRE(out[3].back() == '1');
    REQUIRE(out[4].back() == '0');
    REQUIRE(out[5].back() == '0');
    REQUIRE(out[6] == "# selected (2): a c");
  }
  {
    const test::Run r = select(csv + " --response resp --method " + method + " --json");
    REQUIRE(r.status == 0);
    const auto j = nlohmann::json::parse(r.output);
    REQUIRE(j.at("n") == 80);
    REQUIRE(j.at("p") == 4);
    REQUIRE(j.at("rule") == "gmm");
    REQUIRE(j.at("selected") == nlohmann::json::array({"a", "c"}));
    const auto& vars = j.at("variables");
    REQUIRE(vars.size() == 4);
    for (std::size_t k = 1; k < vars.size(); ++k)
      REQUIRE(vars[k].at("importance").get<double>() <= vars[k - 1].at("importance").get<double>());
    REQUIRE(vars[0].at("name") == "a");
    REQUIRE(vars[0].at("selected") == true);
    if (method == "nn") {
      // The validation path, and the chosen point obeys the documented rule on the printed
      // numbers: the largest λ whose held-out MSE is within se_factor (0.5) standard errors of
      // the smallest.
      const auto& tuning = j.at("tuning");
      const auto& path = tuning.at("candidates");
      REQUIRE(path.size() == solvers::NnOptions{}.lambdas.size());
      std::size_t best = 0;
      for (std::size_t k = 0; k < path.size(); ++k) {
        REQUIRE(path[k].at("lambda").get<double>() == solvers::NnOptions{}.lambdas[k]);
        if (path[k].at("validation_mse").get<double>() <
            path[best].at("validation_mse").get<double>())
          best = k;
      }
      const double bound = path[best].at("validation_mse").get<double>() +
                           0.5 * path[best].at("validation_std_err").get<double>();
      std::size_t expect = 0;
      while (path[expect].at("validation_mse").get<double>() > bound) ++expect;
      REQUIRE(tuning.at("chosen") == expect);
      REQUIRE(tuning.at("lambda") == path[expect].at("lambda"));
      REQUIRE(tuning.at("relaxed_lambda").get<double>() > 0.0);
      // The paper's nn runs no residual tests (nn_adaptive's are tested in test_nn.cpp).
      REQUIRE(j.at("completion") == nlohmann::json::array());
      REQUIRE(j.at("drop_one") == nlohmann::json::array());
    } else {
      REQUIRE_FALSE(j.contains("tuning"));
      REQUIRE_FALSE(j.contains("completion"));
      REQUIRE_FALSE(j.contains("drop_one"));
    }
  }
  // Reproducible: the same seed gives the same output byte for byte.
  const test::Run r1 = select(csv + " --response resp --method " + method + " --seed 7");
  const test::Run r2 = select(csv + " --response resp --method " + method + " --seed 7");
  REQUIRE(r1.status == 0);
  REQUIRE(r1.output == r2.output);
}

TEST_CASE("select: nn_adaptive prints its drop-one tests and leaves out what they drop",
          "[select]") {
  // friedman_uniform at σ = 5 (tuning seed 99, replication 1), whose GMM split lets in noise
  // columns (tests/test_nn.cpp); --seed 6 is one where the drop-one tests remove one (x48).
  const sim::PaperData d = sim::make_paper_data(
      {.dataset = sim::PaperDataset::friedman_uniform, .sigma = 5.0}, 99, 0, 1);
  std::ostringstream os;
  os.precision(17);
  for (arma::uword j = 0; j < d.train.X.n_cols; ++j) os << "x" << j + 1 << ",";
  os << "y\n";
  for (arma::uword i = 0; i < d.train.X.n_rows; ++i) {
    for (arma::uword j = 0; j < d.train.X.n_cols; ++j) os << d.train.X(i, j) << ",";
    os << d.train.y(i) << "\n";
  }
  const std::string csv = write("friedman_uniform.csv", os.str());
  const test::Run run = select(csv + " --response y --method nn_adaptive --seed 6 --json");
  REQUIRE(run.status == 0);
  const auto j = nlohmann::json::parse(run.output);
  std::set<std::string> selected, completed, kept, dropped;
  for (const auto& v : j.at("selected")) selected.insert(v.get<std::string>());
  for (const auto& c : j.at("completion")) completed.insert(c.at("name").get<std::string>());
  const auto& tests = j.at("drop_one");
  REQUIRE(!tests.empty());
  // The documented rule on the printed numbers: t1 or t2 past the Bonferroni bound over the
  // 2m marginal tests at 0.05, or tj past Φ⁻¹(0.9).
  const double m = static_cast<double>(tests.size());
  const double bound = boost::math::quantile(
      boost::math::complement(boost::math::normal_distribution<double>(), 0.05 / (4.0 * m)));
  for (const auto& t : tests) {
    const std::string name = t.at("name").get<std::string>();
    const bool keep = std::abs(t.at("t1").get<double>()) > bound ||
                      std::abs(t.at("t2").get<double>()) > bound ||
                      t.at("tj").get<double>() > 1.2815515655446004;
    CAPTURE(name, t.dump());
    CHECK(t.at("kept").get<bool>() == keep);
    (keep ? kept : dropped).insert(name);
  }
  CAPTURE(run.output);
  REQUIRE_FALSE(dropped.empty());
  // Selected = kept ∪ completion; the dropped ones are not selected.
  std::set<std::string> expect = kept;
  expect.insert(completed.begin(), completed.end());
  CHECK(selected == expect);
  for (const auto& name : dropped) CHECK(selected.count(name) == 0);
  // The text output names them on one line.
  const test::Run text = select(csv + " --response y --method nn_adaptive --seed 6");
  REQUIRE(text.status == 0);
  std::string line;
  for (const auto& l : lines(text.output))
    if (l.rfind("# left out by the drop-one tests", 0) == 0) line = l;
  REQUIRE_FALSE(line.empty());
  for (const auto& name : dropped) CHECK(line.find(" " + name + " (t1 = ") != std::string::npos);
}

TEST_CASE("select: bad input gives one line naming the field and value, exit 2", "[select]") {
  const std::string good = good_csv(20);
  struct Case {
    std::string name, text, args, message;
  };
  // A header and rows with one defect each.
  const std::string head = "a,b,resp\n";
  std::string rows;
  for (int i = 0; i < 12; ++i)
    rows +=
        std::to_string(i) + "," + std::to_string((i * 7) % 5) + "," + std::to_string(i % 3) + "\n";
  const std::vector<Case> cases = {
      {"missing.csv", good, "--response y", "--response: no such column"},
      {"nonnum.csv", head + rows + "1,abc,2\n", "--response resp",
       "line 14, column b: not a number (got \"abc\")"},
      {"ragged.csv", head + "1,2\n" + rows, "--response resp",
       "line 2: row must have 3 cells like the header (got 2)"},
      {"nan.csv", head + rows + "1,nan,2\n", "--response resp",
       "line 14, column b: must be finite (got nan)"},
      {"inf.csv", head + "-inf,1,2\n" + rows, "--response resp",
       "line 2, column a: must be finite (got -inf)"},
      {"const.csv",
       "a,b,resp\n" +
           [] {
             std::string s;
             for (int i = 0; i < 12; ++i)
               s += std::to_string(i) + ",4.5," + std::to_string(i % 3) + "\n";
             return s;
           }(),
       "--response resp", "column b: constant (got 4.5)"},
      {"small.csv", head + "1,2,3\n2,3,1\n3,1,2\n", "--response resp",
       "need at least 10 data rows, n (got 3)"},
      {"k.csv", good, "--response resp --k 5",
       "--k: must be <= the number of variables p = 4 (got 5)"},
      {"k0.csv", good, "--response resp --k 0", "--k: must be >= 1 (got 0)"},
      {"method.csv", good, "--response resp --method svm", "--method: unknown method \"svm\""},
      {"dup.csv", "a,a,resp\n" + rows, "--response resp", "duplicate column name (got a)"},
      {"empty.csv", "", "--response resp", "empty file"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.name);
    const std::string path = write(c.name, c.text);
    const test::Run r = select(path + " " + c.args);
    CAPTURE(r.output);
    REQUIRE(r.status == 2);
    const auto out = lines(r.output);
    REQUIRE(out.size() == 1);
    REQUIRE(out[0].rfind("reluid: error: ", 0) == 0);
    REQUIRE(out[0].find(c.message) != std::string::npos);
  }
  const test::Run r = select(scratch("does_not_exist.csv").string() + " --response resp");
  REQUIRE(r.status == 2);
  REQUIRE(lines(r.output).size() == 1);
  REQUIRE(r.output.find("data: no such file") != std::string::npos);
}
