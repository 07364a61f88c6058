* Writes the SPSS portable file from the .sav that make-labelled.R wrote (GNU PSPP).
* Run from the repository's top folder: pspp datasets/labelled/make-por.sps
GET FILE='datasets/labelled/sessions-labelled.sav'.
EXPORT OUTFILE='datasets/labelled/sessions-labelled.por'.

* The same data with measurement levels set (haven writes every numeric variable as Scale).
VARIABLE LEVEL clinician (NOMINAL) /wai_pat wai_ther (ORDINAL).
SAVE OUTFILE='datasets/labelled/sessions-levels.sav'.
