package papers

import "theorylab/pkg/papers/eos"

func init() {
	Register(Paper{
		Name: eos.PaperName, Number: 1,
		Title:   "Gradient Descent on Neural Networks Typically Occurs at the Edge of Stability",
		Authors: "Cohen, Kaur, Li, Kolter, Talwalkar (ICLR 2021)",
		Presets: []string{"quick", "full"},
		Run: func(preset string, seed int) (*Outcome, error) {
			cfg, err := eos.Preset(preset)
			if err != nil {
				return nil, err
			}
			cfg.Seed = seed
			res, man, hit, err := eos.RunCached(cfg)
			if err != nil {
				return nil, err
			}
			return &Outcome{Config: cfg, Results: res, Claims: eos.Claims(res), Figures: eos.Figures(res),
				Manifest: man, CacheHit: hit}, nil
		},
	})
}
