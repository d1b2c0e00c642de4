package papers

import "theorylab/pkg/papers/epw"

func init() {
	Register(Paper{
		Name: epw.PaperName, Number: 9,
		Title:   "Sample Efficient Reinforcement Learning In Continuous State Spaces: A Perspective Beyond Linearity",
		Authors: "Malik, Pacchiano, Srinivasan, Li (ICML 2021)",
		Presets: []string{"quick", "full"},
		Run: func(preset string, seed int) (*Outcome, error) {
			cfg, err := epw.Preset(preset)
			if err != nil {
				return nil, err
			}
			cfg.Seed = seed
			res, man, hit, err := epw.RunCached(cfg)
			if err != nil {
				return nil, err
			}
			return &Outcome{Config: cfg, Results: res, Claims: epw.Claims(res), Figures: epw.Figures(res),
				Manifest: man, CacheHit: hit}, nil
		},
	})
}
