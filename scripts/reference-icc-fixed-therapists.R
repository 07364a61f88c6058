# Reference numbers for Tests/ReplicationTests/HonestReportTests.swift: the patient ICC of each
# rating of the bundled synthetic dataset from the model alliance replicate fits when therapists
# are fixed effects, rating ~ 1 + factor(therapist) + (1 | patient), at lme4's exact optimum
# (nloptwrap with tight tolerances), and the TOST of one lagged effect from its b, SE and df.
# Run from the repository's top folder: Rscript scripts/reference-icc-fixed-therapists.R
# It writes Tests/ReplicationTests/Reference/honest-report.json.
suppressMessages(library(lme4))
d <- read.csv("datasets/sud-synthetic.csv")
control <- lmerControl(optimizer = "nloptwrap",
                       optCtrl = list(xtol_abs = 1e-13, ftol_abs = 1e-15, xtol_rel = 1e-13, ftol_rel = 1e-15))
out <- list(data = "datasets/sud-synthetic.csv", lme4 = as.character(packageVersion("lme4")),
            icc_fixed_therapists = list(formula = "RATING ~ 1 + factor(therapist) + (1 | patient)"))
for (rating in c("alliance_patient", "alliance_therapist", "distress")) {
  f <- as.formula(paste(rating, "~ 1 + factor(therapist) + (1 | patient)"))
  m <- lmer(f, data = d, REML = TRUE, control = control)
  v <- as.data.frame(VarCorr(m))$vcov
  out$icc_fixed_therapists[[rating]] <- v[1] / sum(v)
}
b <- 0.36; se <- 0.32; df <- 1148.3; bound <- 0.764
out$tost <- list(estimate = b, se = se, df = df, bound = bound,
                 p = max(pt((b + bound) / se, df, lower.tail = FALSE), pt((b - bound) / se, df)),
                 ci_lower = b - qt(.95, df) * se, ci_upper = b + qt(.95, df) * se)
fmt <- function(x) if (is.character(x)) sprintf('"%s"', x) else sprintf("%.17g", x)
json <- function(l, indent = "  ") paste0("{\n", paste0(indent, '"', names(l), '": ',
  sapply(l, function(x) if (is.list(x)) json(x, paste0(indent, "  ")) else fmt(x)), collapse = ",\n"), "\n", substring(indent, 3), "}")
writeLines(json(out), "Tests/ReplicationTests/Reference/honest-report.json")
