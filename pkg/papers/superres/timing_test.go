package superres

import (
	"os"
	"strconv"
	"testing"
)

func TestTiming(t *testing.T) {
	steps, _ := strconv.Atoi(os.Getenv("SR_STEPS"))
	if steps == 0 {
		t.Skip()
	}
	c := Quick()
	c.Preset = "custom"
	c.Steps = steps
	res, err := Run(c)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("seconds %.1f", res.Seconds)
	for _, s := range res.Seeds {
		t.Logf("seed %d floors %.4f %.4f %.4f curve %.4f %.4f null %.4f %.4f %.4f act %.3f %.3f", s.Seed, s.Floor1, s.FloorR2, s.FloorJoint, s.CurveFloor1, s.CurveFloorR, s.Null1, s.NullR2, s.NullJoint, s.Teacher1, s.Teacher2)
	}
	for _, r := range res.Runs {
		t.Logf("%d %-22s init %.4f %.4f final %.4f %.4f joint %.4f t %d %d act %.3f %.3f dead %d %d lossD %.3f", r.Seed, r.Variant, r.Init1, r.InitR2, r.Final1, r.FinalR2, r.FinalJoint, r.T1, r.T2, r.Active1, r.Active2, r.Dead1, r.Dead2, r.LossD[len(r.LossD)-1])
	}
}
