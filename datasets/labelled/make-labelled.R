# Writes the small labelled session files alliance's tests read (datasets/labelled/), as an SPSS or
# Stata user's files are: value labels on numeric variables, SPSS user-missing codes (discrete and a
# range), Stata extended missing values (.a, .b) with labels, variable labels, formats, and text
# with letters outside ASCII. Run from the repository's top folder with R and haven installed:
#
#   Rscript datasets/labelled/make-labelled.R
#   pspp datasets/labelled/make-por.sps        # the SPSS portable file, from the .sav (GNU PSPP)
#
# The expected values the tests check are written out in datasets/labelled/README.md.
library(haven)
stopifnot(packageVersion("haven") >= "2.5.0")
out <- "datasets/labelled"

id       <- c("SUD-001", "SUD-001", "SUD-001", "SUD-002", "SUD-002", "SUD-002", "SUD-003", "SUD-003")
clinic   <- c(2, 2, 2, 1, 1, 1, 2, 2)
sess     <- c(1, 2, 3, 1, 2, 4, 1, 2)
wai_pat  <- c(3.25, 4.5, 5, 1, 2.75, -9, 4, 3.5)      # -9: declared missing in SPSS (range -9 to -1)
wai_ther <- c(5, 6, 7, 4, 99, 4.5, 6, 1)               # 99: declared missing in SPSS (99 thru HI)
core10   <- c(22, 20, -99, 30, 28, 25, -98, 12)        # -99 Not administered, -98 Refused
site     <- c("Linköping", "Linköping", "Linköping", "Malmö", "Malmö", "Malmö", "Linköping", "Linköping")

spss <- data.frame(
  id = id,
  clinician = labelled_spss(clinic, c(Andersson = 1, "Öberg" = 2), label = "Clinician"),
  sess = labelled_spss(sess, c(Intake = 1), label = "Session number"),
  wai_pat = labelled_spss(wai_pat, c("Not at all" = 1, "Very much" = 5), na_range = c(-9, -1),
                          label = "WAI-SR patient, mean of 12 items"),
  wai_ther = labelled_spss(wai_ther, c(Poor = 1, Excellent = 7), na_range = c(99, Inf),
                           label = "WAI-SR therapist"),
  core10 = labelled_spss(core10, c("Not administered" = -99, Refused = -98), na_values = c(-99, -98),
                         label = "CORE-10 total"),
  site = site,
  stringsAsFactors = FALSE)
attr(spss$id, "label") <- "Patient"
attr(spss$site, "label") <- "Site"
attr(spss$wai_pat, "format.spss") <- "F8.2"
attr(spss$wai_ther, "format.spss") <- "F4.1"
attr(spss$core10, "format.spss") <- "F3.0"
attr(spss$sess, "format.spss") <- "F2.0"
attr(spss$clinician, "format.spss") <- "F1.0"
write_sav(spss, file.path(out, "sessions-labelled.sav"))
write_sav(spss, file.path(out, "sessions-labelled.zsav"), compress = "zsav")

# Stata has no user-missing values: the codes become extended missing values .a and .b with labels.
core10_stata <- ifelse(core10 == -99, tagged_na("a"), ifelse(core10 == -98, tagged_na("b"), core10))
wai_pat_stata <- ifelse(wai_pat < 0, NA, wai_pat)
wai_ther_stata <- ifelse(wai_ther >= 99, NA, wai_ther)
stata <- data.frame(
  id = id,
  clinician = labelled(clinic, c(Andersson = 1, "Öberg" = 2), label = "Clinician"),
  sess = labelled(sess, c(Intake = 1), label = "Session number"),
  wai_pat = labelled(wai_pat_stata, c("Not at all" = 1, "Very much" = 5), label = "WAI-SR patient, mean of 12 items"),
  wai_ther = labelled(wai_ther_stata, c(Poor = 1, Excellent = 7), label = "WAI-SR therapist"),
  core10 = labelled(core10_stata, c("Not administered" = tagged_na("a"), Refused = tagged_na("b")),
                    label = "CORE-10 total"),
  site = site,
  stringsAsFactors = FALSE)
attr(stata$id, "label") <- "Patient"
attr(stata$site, "label") <- "Site"
attr(stata$wai_pat, "format.stata") <- "%8.2f"
attr(stata$core10, "format.stata") <- "%3.0f"
write_dta(stata, file.path(out, "sessions-labelled.dta"), version = 15)

# What haven reads back, for the README.
print(read_sav(file.path(out, "sessions-labelled.sav"), user_na = TRUE))
print(read_dta(file.path(out, "sessions-labelled.dta")))
