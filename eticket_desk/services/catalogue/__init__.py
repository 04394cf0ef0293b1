"""What the mairie offers: organisation and schools, activities, tariffs, the school calendar, first setup."""
