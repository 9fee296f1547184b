"""Multi-identity recognition (多重身份识别): find the records that describe the same person.

Records about one resident arrive from many departments (民政, 人社, 医保, 公安 …) with typos,
traditional characters, homophones, 15-digit ID numbers and missing fields. This package prepares
them (`normalize`), scores record pairs with a Fellegi–Sunter model in Splink (`engine`) and groups
them into persons with a clustering rule that never joins two different valid ID numbers.
"""

from __future__ import annotations
