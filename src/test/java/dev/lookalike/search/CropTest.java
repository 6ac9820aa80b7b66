package dev.lookalike.search;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CropTest {

    @Test
    void parsesFourWholeNumbersAndPrintsThemBack() {
        assertEquals(new Crop(1, 2, 30, 40), Crop.parse(" 1, 2,30 ,40 "));
        assertEquals("1,2,30,40", new Crop(1, 2, 30, 40).toString());
        assertNull(Crop.parse(""));
        assertNull(Crop.parse(null));
    }

    @Test
    void refusesWhatIsNotACrop() {
        for (String bad : new String[] {"1,2,3", "a,b,c,d", "1,2,30,40,5", "-1,0,20,20", "0,0,7,20", "0,0,1.5,20"}) {
            SearchException e = assertThrows(SearchException.class, () -> Crop.parse(bad), bad);
            assertTrue(e.getMessage().startsWith("crop must"), e.getMessage());
        }
    }

    @Test
    void clipsItsFarEdgesToThePhotoAndRefusesOneOutsideIt() {
        assertEquals(new Crop(100, 50, 140, 50), new Crop(100, 50, 500, 500).within(240, 100));
        assertEquals(new Crop(0, 0, 240, 100), new Crop(0, 0, 240, 100).within(240, 100));
        SearchException e = assertThrows(SearchException.class, () -> new Crop(236, 0, 20, 20).within(240, 100));
        assertTrue(e.getMessage().contains("lies outside the photo, which is 240×100 pixels"), e.getMessage());
    }
}
