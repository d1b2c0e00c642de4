package superres

import "theorylab/pkg/plot"

func Figures(res *Results) []plot.Named { return nil }
