package papers_test

import (
	"fmt"

	"theorylab/pkg/claims"
	"theorylab/pkg/papers"
	"theorylab/pkg/papers/config"
	"theorylab/pkg/plot"
)

// A paper's config embeds config.Common (preset and seeds) and says what is wrong with it.
type Config struct {
	config.Common
	Steps int `json:"steps"`
}

func (c Config) Validate() error {
	k := config.Check("toy", c.Common)
	k.If(c.Steps < 1, "steps must be ≥ 1, got %d", c.Steps)
	return k.Err()
}

type Results struct{ Halvings []float64 }

// Run halves 1 Steps times: a stand-in for a paper's experiment.
func Run(c Config) (*Results, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	res := &Results{}
	x := 1.0
	for range c.Steps {
		x /= 2
		res.Halvings = append(res.Halvings, x)
	}
	return res, nil
}

var small = claims.AtMost(0.01)

// A paper is its science handed to Define: presets, Run, claims as data, figures.
var Paper = papers.Define(papers.Paper[Config, *Results]{
	Name: "toy", Number: 42, Title: "Halving Converges", Authors: "Nobody (2026)",
	Quick: func() Config { return Config{Common: config.Common{Preset: "quick", Seeds: 1}, Steps: 10} },
	Run:   Run,
	Claims: claims.Set[*Results]{{ID: "TOY-1", Statement: "Halving gets small.", PaperRef: "Thm. 1",
		Measure: func(r *Results) claims.Measurement {
			last := r.Halvings[len(r.Halvings)-1]
			return claims.Measurement{Value: last, Rule: "last value " + small.String(), Pass: small.Holds(last)}
		}}},
	Figures: func(*Results) []plot.Named { return nil },
})

func ExampleDefine() {
	cfg, _ := Paper.Config("quick", 7) // the quick preset from seed 7
	fmt.Println(cfg.Preset, cfg.Seed, cfg.Steps, Paper.Presets())
	res, _ := Paper.Run(cfg)
	fmt.Print(Paper.Claims.Evaluate(res).Text())
	_, err := Paper.Preset("huge")
	fmt.Println(err)
	// Output:
	// quick 7 10 [quick]
	// ID     RESULT  MEASURED  THRESHOLD          PAPER
	// TOY-1  PASS    0.000977  last value ≤ 0.01  Thm. 1
	//        Halving gets small.
	// 1/1 claims pass
	// toy: unknown preset "huge" (want one of [quick])
}
