package papers

import "theorylab/pkg/papers/adamgd"

func init() {
	Register(Paper{
		Name: adamgd.PaperName, Number: 2,
		Title:   "Understanding the Generalization of Adam in Learning Neural Networks with Proper Regularization",
		Authors: "Zou, Cao, Li, Gu (ICLR 2023)",
		Presets: []string{"quick", "full"},
		Run: func(preset string, seed int) (*Outcome, error) {
			cfg, err := adamgd.Preset(preset)
			if err != nil {
				return nil, err
			}
			cfg.Seed = seed
			res, man, hit, err := adamgd.RunCached(cfg)
			if err != nil {
				return nil, err
			}
			return &Outcome{Config: cfg, Results: res, Claims: adamgd.Claims(res), Figures: adamgd.Figures(res),
				Manifest: man, CacheHit: hit}, nil
		},
	})
}
