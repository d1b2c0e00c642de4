package contrastive

import "theorylab/pkg/claims"

var Claims = claims.Set[*Results]{{ID: "CL-1", Statement: "x", PaperRef: "x", Measure: func(*Results) claims.Measurement { return claims.Measurement{Value: 1, Rule: "x", Pass: true} }}}
