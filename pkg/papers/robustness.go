package papers

import "theorylab/pkg/papers/robustness"

func init() {
	Register(Paper{
		Name: robustness.PaperName, Number: 8,
		Title:   "A Law of Robustness for Two-Layers Neural Networks",
		Authors: "Bubeck, Li, Nagaraj (COLT 2021)",
		Presets: []string{"quick", "full"},
		Run: func(preset string, seed int) (*Outcome, error) {
			cfg, err := robustness.Preset(preset)
			if err != nil {
				return nil, err
			}
			cfg.Seed = seed
			res, man, hit, err := robustness.RunCached(cfg)
			if err != nil {
				return nil, err
			}
			return &Outcome{Config: cfg, Results: res, Claims: robustness.Claims(res), Figures: robustness.Figures(res),
				Manifest: man, CacheHit: hit}, nil
		},
	})
}
